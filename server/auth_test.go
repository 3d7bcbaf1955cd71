package server

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestBasicAuthFromProxyIsIgnored: behind an authenticating proxy the browser sends
// "Authorization: Basic ..." on every request. That header is not gopad's
// credential: the cookie or query token decides, and a cookie request stays a
// cookie request for the CSRF checks.
func TestBasicAuthFromProxyIsIgnored(t *testing.T) {
	e := newEnv(t)
	p := e.writeNotebook("proxied.gonb", `fmt.Println("x")`)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:proxy-password"))
	cookie := cookiePrefix + "_" + e.port() + "=" + testToken
	with := func(kv ...string) map[string]string {
		h := map[string]string{"Authorization": basic}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}

	for _, tc := range []struct {
		name, method, path string
		hdr                map[string]string
		status             int
		want               string // in the error message
	}{
		{"Basic and a valid cookie", "GET", "/api/contents", with("Cookie", cookie), http.StatusOK, ""},
		{"Basic and the query token", "GET", "/?token=" + testToken, with(), http.StatusOK, ""},
		{"Basic alone", "GET", "/api/contents", with(), http.StatusUnauthorized, "token"},
		{"Basic and a wrong cookie", "GET", "/api/contents", with("Cookie", cookiePrefix+"_"+e.port()+"=nope"), http.StatusUnauthorized, "token"},
		// A cookie request with a Basic header still needs the CSRF header...
		{"Basic, cookie, POST without the CSRF header", "POST", "/api/contents/new", with("Cookie", cookie), http.StatusForbidden, "X-Gopad-CSRF"},
		// ...and a matching origin.
		{"Basic, cookie, cross-origin POST", "POST", "/api/contents/new", with("Cookie", cookie, "X-Gopad-CSRF", "1", "Origin", "http://evil.example"), http.StatusForbidden, "Origin"},
		{"Basic, cookie, same-origin POST with the CSRF header", "POST", "/api/contents/new", with("Cookie", cookie, "X-Gopad-CSRF", "1", "Origin", e.ts.URL), http.StatusOK, ""},
		// gopad's own schemes are still decisive: a wrong token is refused even with a valid cookie.
		{"wrong gopad token and a valid cookie", "GET", "/api/contents", map[string]string{"Authorization": "token nope", "Cookie": cookie}, http.StatusUnauthorized, "token"},
		{"Bearer token", "GET", "/api/contents", map[string]string{"Authorization": "Bearer " + testToken}, http.StatusOK, ""},
	} {
		resp := e.rawRequest(tc.method, tc.path, tc.hdr)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
			continue
		}
		if tc.want != "" {
			if msg := errorMessage(t, resp); !strings.Contains(msg, tc.want) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.want)
			}
		}
	}
	// Only the one allowed POST created a notebook.
	entries, _ := os.ReadDir(e.root)
	if len(entries) != 2 {
		t.Errorf("root holds %d entries, want the notebook and the one accepted new notebook", len(entries))
	}

	// The websocket of a tab behind the proxy: Basic, the cookie and its own origin.
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/api/ws?path=" + url.QueryEscape(p)
	ws, resp, err := websocket.DefaultDialer.Dial(u, http.Header{"Authorization": {basic}, "Cookie": {cookie}, "Origin": {e.ts.URL}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("websocket with Basic and the cookie: %v (status %d)", err, status)
	}
	ws.Close()
	if _, resp, err := websocket.DefaultDialer.Dial(u, http.Header{"Authorization": {basic}, "Origin": {e.ts.URL}}); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("websocket with Basic alone: %v", err)
	}
}
