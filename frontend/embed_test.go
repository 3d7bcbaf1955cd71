package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestDistHasTheApp checks that the embedded build holds every file the server
// serves and that the page loads nothing from another host.
func TestDistHasTheApp(t *testing.T) {
	for _, name := range []string{"dist/index.html", "dist/app.js", "dist/app.css", "dist/echarts.min.js"} {
		data, err := fs.ReadFile(Dist, name)
		if err != nil {
			t.Fatalf("embedded build lacks %s: %v (run frontend/build.sh)", name, err)
		}
		if len(data) < 100 {
			t.Errorf("%s is only %d bytes: a placeholder, not a build", name, len(data))
		}
	}
	index, _ := fs.ReadFile(Dist, "dist/index.html")
	for _, ref := range []string{`src="/static/app.js"`, `href="/static/app.css"`} {
		if !strings.Contains(string(index), ref) {
			t.Errorf("index.html lacks %s", ref)
		}
	}
	// Scripts, styles and fonts come from gopad itself: no src/href to another host.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(string(index)); m != "" {
		t.Errorf("index.html loads from another host: %s", m)
	}
	css, _ := fs.ReadFile(Dist, "dist/app.css")
	if m := regexp.MustCompile(`(?i)(@import|url\(\s*["']?(https?:)?//)`).FindString(string(css)); m != "" {
		t.Errorf("app.css fetches from another host: %s", m)
	}
}

// TestEChartsMajorVersion: the bundled ECharts is the major version go-echarts
// v2.6.7 writes options for (5).
func TestEChartsMajorVersion(t *testing.T) {
	index, err := fs.ReadFile(Dist, "dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`name="gopad-echarts" content="(\d+)\.(\d+)\.(\d+)"`).FindStringSubmatch(string(index))
	if m == nil {
		t.Fatal("index.html does not record the bundled ECharts version (build.mjs writes it)")
	}
	if m[1] != "5" {
		t.Errorf("bundled ECharts %s.%s.%s, want major version 5", m[1], m[2], m[3])
	}
	js, _ := fs.ReadFile(Dist, "dist/echarts.min.js")
	if !strings.Contains(string(js), `"`+m[1]+"."+m[2]+"."+m[3]+`"`) {
		t.Errorf("echarts.min.js does not carry the version %s.%s.%s that index.html records", m[1], m[2], m[3])
	}
}
