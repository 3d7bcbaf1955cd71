package server

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestCrossOriginChecks: what the cross-origin protection (net/http's
// CrossOriginProtection plus gopad's CSRF header for cookie requests) accepts and
// refuses, for API requests and the websocket handshake. A page on another port of
// this host (same site: the SameSite=Strict cookie goes along) is the neighbour to
// fear.
func TestCrossOriginChecks(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("xo.gonb", `fmt.Println("x")`)
	cookie := cookiePrefix + "_" + e.port() + "=" + testToken
	otherPort := "http://127.0.0.1:1" // another origin on the same site
	hdr := func(kv ...string) map[string]string {
		h := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}
	accepted := 0
	for _, tc := range []struct {
		name   string
		method string
		hdr    map[string]string
		status int
		want   string // in the refusal
	}{
		// What the app sends from a current browser.
		{"same-origin cookie POST", "POST", hdr("Cookie", cookie, "X-Gopad-CSRF", "1", "Sec-Fetch-Site", "same-origin", "Origin", e.ts.URL), http.StatusOK, ""},
		// Fetch Metadata alone decides when present, Origin or not.
		{"cross-site cookie POST without Origin", "POST", hdr("Cookie", cookie, "X-Gopad-CSRF", "1", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross-origin"},
		{"same-site (other port) cookie POST", "POST", hdr("Cookie", cookie, "X-Gopad-CSRF", "1", "Sec-Fetch-Site", "same-site", "Origin", otherPort), http.StatusForbidden, "cross-origin"},
		// Without Fetch Metadata, the Origin must be the Host.
		{"other-port Origin, no Sec-Fetch-Site", "POST", hdr("Cookie", cookie, "X-Gopad-CSRF", "1", "Origin", otherPort), http.StatusForbidden, "Origin"},
		{"Origin null (sandboxed frame)", "POST", hdr("Cookie", cookie, "X-Gopad-CSRF", "1", "Origin", "null"), http.StatusForbidden, "Origin"},
		// A cookie request needs the CSRF header even from the right origin (old
		// browsers send neither Sec-Fetch-Site nor Origin on a form POST).
		{"same-origin cookie POST without the CSRF header", "POST", hdr("Cookie", cookie, "Sec-Fetch-Site", "same-origin", "Origin", e.ts.URL), http.StatusForbidden, "X-Gopad-CSRF"},
		{"cookie POST with neither header nor CSRF header", "POST", hdr("Cookie", cookie), http.StatusForbidden, "X-Gopad-CSRF"},
		// The Authorization header needs no CSRF header, but the origin checks
		// still apply.
		{"token header, no browser headers", "POST", hdr("Authorization", "token "+testToken), http.StatusOK, ""},
		{"token header, foreign Origin", "POST", hdr("Authorization", "token "+testToken, "Origin", "http://evil.example"), http.StatusForbidden, "Origin"},
		{"token header, cross-site", "POST", hdr("Authorization", "token "+testToken, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross-origin"},
		// OPTIONS, a safe method to CrossOriginProtection, is checked like POST.
		{"OPTIONS from a foreign Origin", "OPTIONS", hdr("Authorization", "token "+testToken, "Origin", "http://evil.example"), http.StatusForbidden, "Origin"},
		{"cookie OPTIONS without the CSRF header", "OPTIONS", hdr("Cookie", cookie), http.StatusForbidden, "X-Gopad-CSRF"},
		// Reading stays open to a cross-site GET (nothing changes; the
		// SameSite=Strict cookie is not sent by a cross-site page anyway).
		{"cookie GET with a foreign Origin", "GET", hdr("Cookie", cookie, "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"), http.StatusOK, ""},
	} {
		path := "/api/contents/new"
		if tc.method == "GET" {
			path = "/api/contents"
		}
		tc.hdr["Content-Type"] = "application/json"
		resp := e.rawRequest(tc.method, path, tc.hdr)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
			continue
		}
		if tc.status == http.StatusOK && tc.method == "POST" {
			accepted++
		}
		if tc.want != "" {
			if msg := errorMessage(t, resp); !strings.Contains(msg, tc.want) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.want)
			}
		}
	}
	if entries, _ := os.ReadDir(e.root); len(entries) != 1+accepted {
		t.Errorf("root holds %d entries, want the notebook and %d accepted new notebooks", len(entries), accepted)
	}

	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape(p)
	for _, tc := range []struct {
		name   string
		hdr    http.Header
		status int
	}{
		{"websocket from the app", http.Header{"Cookie": {cookie}, "Sec-Fetch-Site": {"same-origin"}, "Origin": {e.ts.URL}}, http.StatusSwitchingProtocols},
		{"websocket from a non-browser client", http.Header{"Authorization": {"token " + testToken}}, http.StatusSwitchingProtocols},
		{"websocket marked cross-site, without Origin", http.Header{"Cookie": {cookie}, "Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"websocket from another port", http.Header{"Cookie": {cookie}, "Sec-Fetch-Site": {"same-site"}, "Origin": {otherPort}}, http.StatusForbidden},
		{"websocket from another port, old browser", http.Header{"Cookie": {cookie}, "Origin": {otherPort}}, http.StatusForbidden},
		{"websocket from a sandboxed frame", http.Header{"Cookie": {cookie}, "Origin": {"null"}}, http.StatusForbidden},
		{"websocket with the token header, foreign Origin", http.Header{"Authorization": {"token " + testToken}, "Origin": {"http://evil.example"}}, http.StatusForbidden},
	} {
		ws, resp, err := websocket.DefaultDialer.Dial(u, tc.hdr)
		got := 0
		if err == nil {
			got = http.StatusSwitchingProtocols
			ws.Close()
		} else if resp != nil {
			got = resp.StatusCode
		} else {
			t.Fatalf("%s: dial: %v", tc.name, err)
		}
		if got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
			continue
		}
		// The refusal is crossSiteProblem's, the server's one origin check for
		// handshakes as for every other request.
		if got == http.StatusForbidden {
			if msg := errorMessage(t, resp); !strings.Contains(msg, "cross-origin request refused") {
				t.Errorf("%s: refused with %q, not by the cross-origin protection", tc.name, msg)
			}
		}
	}
}
