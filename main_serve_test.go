package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopad.dev/gopad/notebooks"
)

// api sends an authenticated API request to g and decodes the JSON answer into out.
func (g *servedGopad) api(t *testing.T, method, path, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+g.url.Host+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+g.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", method, path, err, g.stderr())
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", method, path, resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s %s answered %q: %v", method, path, data, err)
	}
}

// listing returns the names in the served root.
func (g *servedGopad) listing(t *testing.T) []string {
	t.Helper()
	var l struct {
		Entries []struct{ Name string }
	}
	g.api(t, "GET", "/api/contents", "", &l)
	var names []string
	for _, e := range l.Entries {
		names = append(names, e.Name)
	}
	return names
}

func (g *servedGopad) bannerText() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.banner, "\n")
}

// TestServeDefaultWorkspace: gopad without a folder serves ~/gopad, made on the
// first start and said so, not the folder it was started in; the second start
// serves the same folder with what the first made in it.
func TestServeDefaultWorkspace(t *testing.T) {
	home, err := filepath.EvalSymlinks(t.TempDir()) // as the server prints it
	if err != nil {
		t.Fatal(err)
	}
	workspace := filepath.Join(home, "gopad")
	t.Chdir(t.TempDir()) // the child inherits it: a folder that must not be served
	if err := os.WriteFile("not-served.gonb", []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}

	g := startGopadCommand(t, []string{"HOME=" + home}, "-addr", "127.0.0.1:0")
	banner := g.bannerText()
	if !strings.Contains(banner, "created the workspace "+workspace) || !strings.Contains(banner, "serving notebooks in "+workspace+" at http://") {
		t.Errorf("the start-up lines do not say that %s was created and is served:\n%s", workspace, banner)
	}
	if info, err := os.Stat(workspace); err != nil || !info.IsDir() {
		t.Fatalf("no workspace folder %s: %v", workspace, err)
	}
	if names := g.listing(t); len(names) != 0 {
		t.Fatalf("the fresh workspace lists %q; want it empty (not the working directory)", names)
	}
	var created struct{ Path string }
	g.api(t, "POST", "/api/contents/new", `{"dir":""}`, &created)
	if _, err := notebooks.Load(filepath.Join(workspace, filepath.FromSlash(created.Path))); err != nil {
		t.Fatalf("the new notebook %q is not in the workspace: %v", created.Path, err)
	}

	again := startGopadCommand(t, []string{"HOME=" + home}, "serve", "-addr", "127.0.0.1:0")
	if banner := again.bannerText(); strings.Contains(banner, "created") || !strings.Contains(banner, "serving the workspace "+workspace) {
		t.Errorf("second start-up lines:\n%s\nwant the existing workspace %s named, not created", banner, workspace)
	}
	if names := again.listing(t); strings.Join(names, ",") != created.Path {
		t.Errorf("the second start lists %q, want %q", names, created.Path)
	}
}

// TestServeFolderArgument: "gopad DIR" (a path, or the bare name of a folder here)
// and "gopad -root DIR" serve DIR, as "gopad serve DIR" does, and leave the
// default workspace alone.
func TestServeFolderArgument(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir()) // as the server prints it
	if err != nil {
		t.Fatal(err)
	}
	if err := notebooks.Save(filepath.Join(dir, "mine.gonb"), notebooks.New()); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Chdir(filepath.Dir(dir)) // so that the folder's bare name names it too
	for _, args := range [][]string{
		{dir, "-addr", "127.0.0.1:0"},
		{filepath.Base(dir), "-addr", "127.0.0.1:0"},
		{"-root", dir, "-addr", "127.0.0.1:0"},
	} {
		g := startGopadCommand(t, []string{"HOME=" + home}, args...)
		if names := g.listing(t); strings.Join(names, ",") != "mine.gonb" {
			t.Errorf("gopad %q lists %q, want DIR's mine.gonb", args, names)
		}
		if banner := g.bannerText(); !strings.Contains(banner, "serving notebooks in "+dir) {
			t.Errorf("gopad %q start-up lines do not name %s:\n%s", args, dir, banner)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "gopad")); !os.IsNotExist(err) {
		t.Errorf("serving a given folder made the default workspace (stat: %v)", err)
	}
}

// TestFirstArgumentThatIsNoCommand: a word that is neither a command nor a folder
// is an unknown command, with a hint that fits it; a path that does not exist is
// served and fails saying so.
func TestFirstArgumentThatIsNoCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := notebooks.Save("nb.gonb", notebooks.New()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"nosuchcommand"}, 2, []string{`unknown command "nosuchcommand"`, `no folder "nosuchcommand" here`, "gopad ./nosuchcommand", "Usage:"}},
		{[]string{"sevre"}, 2, []string{`unknown command "sevre"`, `did you mean "gopad serve"?`}},
		{[]string{"nb.gonb"}, 2, []string{`unknown command "nb.gonb"`, `gopad run nb.gonb`}},
		{[]string{"./no-such-dir", "-addr", "127.0.0.1:0"}, 1, []string{`no-such-dir`, "does not exist"}},
	} {
		code, _, stderr := gopad(t, tc.args...)
		if code != tc.code {
			t.Errorf("gopad %q: exit %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("gopad %q: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
}
