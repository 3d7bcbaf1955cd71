package server

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"gopad.dev/gopad/export"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/registry"
)

// publishIris publishes n versions of a small iris classifier into e's registry.
func (e *testEnv) publishIris(n int) {
	e.t.Helper()
	iris := ml.Iris()
	for v := 1; v <= n; v++ {
		ml.SetSeed(int64(v))
		m := ml.Sequential(ml.Linear(4, 8), ml.ReLU(), ml.Linear(8, 3))
		if err := m.SetMeta(serving.MetaClasses, iris.ClassNames); err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.srv.models.registry.Publish("iris", m, registry.Lineage{Notebook: "iris.gonb", Cell: fmt.Sprintf("cell-%d", v), Source: "cell"}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// exportJobAnswer decodes an export job from the API.
func (e *testEnv) exportJob(method, path, body string, want int) exportJob {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	resp := e.do(method, path, rd)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	var j exportJob
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		e.t.Fatalf("%s %s: not an export job: %v: %s", method, path, err, raw)
	}
	return j
}

// waitExport follows job j with GET ?since= until it has ended and returns
// it with the states it was seen in.
func (e *testEnv) waitExport(j exportJob) (exportJob, []string) {
	e.t.Helper()
	seen := []string{j.State}
	deadline := time.Now().Add(10 * time.Minute) // a guard against a hang, not a timing assertion
	for j.State != exportDone && j.State != exportFailed {
		if time.Now().After(deadline) {
			e.t.Fatalf("export %s still %s (%s)", j.ID, j.State, j.Step)
		}
		next := e.exportJob("GET", fmt.Sprintf("/api/models/%s/exports/%s?since=%d", j.Model, j.ID, j.Seq), "", 200)
		if next.State != seen[len(seen)-1] {
			seen = append(seen, next.State)
		}
		j = next
	}
	return j, seen
}

func decodeStrictFile(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		t.Fatalf("%s does not decode strictly into %T: %v", file, v, err)
	}
}

func tarNames(t *testing.T, open func() (io.ReadCloser, error)) map[string]*tar.Header {
	t.Helper()
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]*tar.Header{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = h
	}
}

// TestModelExportAction exports over real HTTP from a real registry: the job
// answers at once and is followed to its end; the server builds the static
// gopad itself (this test binary is not one) and reuses it; the folder is
// new (an existing export folder of the same name is left alone); the files
// decode: the image read back with go-containerregistry, the manifests
// strictly into the Kubernetes and KServe types; the command lines name them.
func TestModelExportAction(t *testing.T) {
	e := newEnv(t)
	e.publishIris(2)
	// Someone's earlier export of v1, with their own notes in it.
	mine := filepath.Join(e.root, "exports", "iris-v1", "notes.txt")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}

	j := e.exportJob("POST", "/api/models/iris/export", `{"version": 1}`, http.StatusAccepted)
	if j.Model != "iris" || j.Version != 1 || j.Dir != "exports/iris-v1-2" || j.Path != filepath.Join(e.root, "exports", "iris-v1-2") {
		t.Fatalf("started: %+v", j)
	}
	if j.State != exportQueued && j.State != exportBinary {
		t.Fatalf("a new export is %q", j.State)
	}
	// Asking again while it runs answers the same export.
	if again := e.exportJob("POST", "/api/models/iris/export", `{"version": 1}`, http.StatusOK); again.ID != j.ID {
		t.Errorf("a second Export of v1 while the first runs started %s (first %s)", again.ID, j.ID)
	}
	// The server answers other requests meanwhile.
	e.apiJSON("GET", "/api/models/iris", "", 200)

	j, seen := e.waitExport(j)
	if j.State != exportDone {
		t.Fatalf("export failed: %s (states %v)", j.Error, seen)
	}
	if !slices.Contains(seen, exportDone) || len(seen) < 2 {
		t.Errorf("states seen: %v", seen)
	}
	if !strings.Contains(j.Binary, "built from gopad's source") || !strings.Contains(j.Binary, "CGO_ENABLED=0") {
		t.Errorf("binary origin: %q", j.Binary)
	}
	if data, err := os.ReadFile(mine); err != nil || string(data) != "mine" {
		t.Errorf("the existing exports/iris-v1 was touched: %q %v", data, err)
	}
	dir := filepath.Join(e.root, "exports", "iris-v1-2")
	for _, f := range []string{"image.tar", "Dockerfile", "README.md", "k8s/deployment.yaml", "k8s/service.yaml", "k8s/hpa.yaml", "k8s/pdb.yaml",
		"k8s/kustomization.yaml", "kserve/clusterservingruntime.yaml", "kserve/inferenceservice.yaml", "kserve/model/model.json", "rootfs/usr/local/bin/gopad"} {
		if !slices.Contains(j.Files, f) {
			t.Errorf("the job's files lack %s: %v", f, j.Files)
		}
	}
	var total int64
	for _, f := range j.Files {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Errorf("listed file %s: %v", f, err)
			continue
		}
		total += info.Size()
	}
	if total != j.Bytes {
		t.Errorf("the files hold %d bytes; the job says %d", total, j.Bytes)
	}
	if info, err := os.Stat(filepath.Join(dir, "rootfs/usr/local/bin/gopad")); err != nil || info.Mode().Perm()&0o111 == 0 {
		t.Errorf("rootfs gopad: %v %v", info, err)
	}

	t.Run("image", func(t *testing.T) {
		tag, err := name.NewTag("gopad-iris:v1")
		if err != nil {
			t.Fatal(err)
		}
		if j.Tag != tag.String() && j.Tag != "gopad-iris:v1" {
			t.Errorf("tag %q", j.Tag)
		}
		img, err := tarball.ImageFromPath(filepath.Join(dir, "image.tar"), &tag)
		if err != nil {
			t.Fatal(err)
		}
		// The tarball keeps the config as written (its manifest is docker's
		// and rebuilt on reading): the image ID is what must match.
		if id, _ := img.ConfigName(); id.String() != j.ImageID {
			t.Errorf("image ID %s, job says %s", id, j.ImageID)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		c := cf.Config
		if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, export.Entrypoint) || c.Labels[export.LabelModel] != "iris" || c.Labels[export.LabelVersion] != "1" {
			t.Errorf("config: user %q entrypoint %q labels %v", c.User, c.Entrypoint, c.Labels)
		}
		if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
			t.Errorf("ports %v", c.ExposedPorts)
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		all := map[string]*tar.Header{}
		for _, l := range layers {
			for n, h := range tarNames(t, l.Uncompressed) {
				all[n] = h
			}
		}
		for _, f := range []string{"usr/local/bin/gopad", "mnt/models/iris/v1/model.json", "etc/passwd"} {
			if _, ok := all[f]; !ok {
				t.Errorf("the image lacks %s", f)
			}
		}
		if _, ok := all["mnt/models/iris/v2/model.json"]; ok {
			t.Errorf("the image of v1 holds v2")
		}
	})

	t.Run("manifests", func(t *testing.T) {
		var dep appsv1.Deployment
		decodeStrictFile(t, filepath.Join(dir, "k8s/deployment.yaml"), &dep)
		if cs := dep.Spec.Template.Spec.Containers; len(cs) != 1 || cs[0].Image != j.Tag || cs[0].ReadinessProbe == nil || cs[0].ReadinessProbe.HTTPGet.Path != "/v2/health/ready" {
			t.Errorf("deployment containers: %+v", cs)
		}
		var svc corev1.Service
		decodeStrictFile(t, filepath.Join(dir, "k8s/service.yaml"), &svc)
		var hpa autoscalingv2.HorizontalPodAutoscaler
		decodeStrictFile(t, filepath.Join(dir, "k8s/hpa.yaml"), &hpa)
		var pdb policyv1.PodDisruptionBudget
		decodeStrictFile(t, filepath.Join(dir, "k8s/pdb.yaml"), &pdb)
		var k export.Kustomization
		decodeStrictFile(t, filepath.Join(dir, "k8s/kustomization.yaml"), &k)
		if !slices.Equal(k.Resources, export.K8sFiles) {
			t.Errorf("kustomization resources %v", k.Resources)
		}
		var rt export.ClusterServingRuntime
		decodeStrictFile(t, filepath.Join(dir, "kserve/clusterservingruntime.yaml"), &rt)
		var isvc export.InferenceService
		decodeStrictFile(t, filepath.Join(dir, "kserve/inferenceservice.yaml"), &isvc)
		if rt.Kind != "ClusterServingRuntime" || isvc.Kind != "InferenceService" || svc.Name != "iris" || dep.Name != "iris" {
			t.Errorf("kinds/names: %q %q %q %q", rt.Kind, isvc.Kind, svc.Name, dep.Name)
		}
	})

	t.Run("commands", func(t *testing.T) {
		want := map[string]string{
			"podman-load":   "podman load -i " + filepath.Join(dir, "image.tar"),
			"kubectl-apply": "kubectl apply -k " + filepath.Join(dir, "k8s"),
			"podman-run":    "podman run --rm -p 8080:8080 " + j.Tag,
		}
		for _, c := range j.Commands {
			if w, ok := want[c.ID]; ok {
				if c.Command != w {
					t.Errorf("%s: %q, want %q", c.ID, c.Command, w)
				}
				delete(want, c.ID)
			}
		}
		if len(want) > 0 {
			t.Errorf("commands missing: %v (have %+v)", want, j.Commands)
		}
	})

	t.Run("download", func(t *testing.T) {
		resp := e.do("GET", "/api/models/iris/exports/"+j.ID+"/download", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="iris-v1-2.tar.gz"`) {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(gz)
		got := map[string]bool{}
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Typeflag != tar.TypeReg {
				continue
			}
			rel := strings.TrimPrefix(h.Name, "iris-v1-2/")
			want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatalf("%s in the download: %v", h.Name, err)
			}
			data, err := io.ReadAll(tr)
			if err != nil || !bytes.Equal(data, want) {
				t.Errorf("%s differs from the file (%d bytes, %v)", h.Name, len(data), err)
			}
			got[rel] = true
		}
		if len(got) != len(j.Files) {
			t.Errorf("the download holds %d files; the export %d", len(got), len(j.Files))
		}
	})

	// The default version, without a body: the built gopad is reused.
	j2 := e.exportJob("POST", "/api/models/iris/export", "", http.StatusAccepted)
	j2, _ = e.waitExport(j2)
	if j2.State != exportDone || j2.Version != 2 || j2.Dir != "exports/iris-v2" || j2.Binary != j.Binary {
		t.Fatalf("default-version export: %+v", j2)
	}
	list := e.apiJSON("GET", "/api/models/iris/exports", "", 200)["exports"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["id"] != j2.ID || list[1].(map[string]any)["id"] != j.ID {
		t.Errorf("exports list: %v", list)
	}
}

// TestModelExportBadInput: unknown models and versions, bad names and bodies
// get 4xx JSON errors and start nothing; the action needs the token and the
// CSRF header; a gopad that cannot go into an image fails the job with a
// message saying so, and leaves no folder behind.
func TestModelExportBadInput(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ExportBinary = "/bin/true" })
	e.publishIris(1)
	for _, c := range []struct {
		path, body string
		status     int
		says       string
	}{
		{"/api/models/nope/export", `{}`, 404, `"nope"`},
		{"/api/models/iris/export", `{"version": 9}`, 404, "no version 9"},
		{"/api/models/iris/export", `{"version": 0}`, 400, "a version of"},
		{"/api/models/iris/export", `{"version": -2}`, 400, "a version of"},
		{"/api/models/iris/export", `{"version": "1"}`, 400, "bad request body"},
		{"/api/models/iris/export", `{"versoin": 1}`, 400, "unknown field"},
		{"/api/models/iris/export", `not json`, 400, "bad request body"},
		{"/api/models/bad%20name!/export", `{}`, 400, "bad model name"},
		{"/api/models/.hidden/export", `{}`, 400, "bad model name"},
	} {
		v := e.apiJSON("POST", c.path, c.body, c.status)
		if msg, _ := v["error"].(string); !strings.Contains(msg, c.says) {
			t.Errorf("POST %s %s: %q, want it to say %q", c.path, c.body, msg, c.says)
		}
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/models/iris/exports/0123456789abcdef", 404},
		{"/api/models/bad%20name!/exports", 400},
		{"/api/models/iris/exports/x?since=abc", 404},
	} {
		e.apiJSON("GET", c.path, "", c.status)
	}

	// Without the CSRF header, with a foreign Origin, or without the token.
	cookie := cookiePrefix + "_" + e.port() + "=" + testToken
	for what, hdr := range map[string]map[string]string{
		"no CSRF header": {"Cookie": cookie, "Content-Type": "application/json"},
		"foreign origin": {"Cookie": cookie, "Content-Type": "application/json", "X-Gopad-CSRF": "1", "Origin": "http://evil.example"},
		"no token":       {"Content-Type": "application/json", "X-Gopad-CSRF": "1"},
	} {
		resp := e.rawRequest("POST", "/api/models/iris/export", hdr)
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d", what, resp.StatusCode)
		}
	}
	if _, err := os.Stat(filepath.Join(e.root, "exports")); !os.IsNotExist(err) {
		t.Fatalf("refused requests made the exports folder: %v", err)
	}

	// A gopad that links the C library cannot go into the image.
	j := e.exportJob("POST", "/api/models/iris/export", `{"version": 1}`, http.StatusAccepted)
	j, _ = e.waitExport(j)
	if j.State != exportFailed || !strings.Contains(j.Error, "dynamically linked") || !strings.Contains(j.Error, "-export-binary") || j.Finished == nil {
		t.Errorf("export with /bin/true: %+v", j)
	}
	if _, err := os.Stat(filepath.Join(e.root, "exports", "iris-v1")); !os.IsNotExist(err) {
		t.Errorf("the failed export left its folder: %v", err)
	}
	e.apiJSON("GET", "/api/models/iris/exports/"+j.ID+"/download", "", http.StatusConflict)

	// exports/ leading out of the root, or taken by a file.
	if err := os.Remove(filepath.Join(e.root, "exports")); err != nil {
		t.Fatal(err) // it must be empty
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(e.root, "exports")); err != nil {
		t.Fatal(err)
	}
	e.apiJSON("POST", "/api/models/iris/export", `{}`, http.StatusForbidden)
	os.Remove(filepath.Join(e.root, "exports"))
	if err := os.WriteFile(filepath.Join(e.root, "exports"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := e.apiJSON("POST", "/api/models/iris/export", `{}`, http.StatusConflict)
	if msg := v["error"].(string); !strings.Contains(msg, `"exports" in the notebook root is a file`) || strings.Contains(msg, e.root) {
		t.Errorf("exports is a file: %q", msg)
	}
}

// TestModelExportStopsWithTheServer: closing the server while an export
// builds its static gopad stops the build, fails the job saying why, and
// leaves no folder; Close returns.
func TestModelExportStopsWithTheServer(t *testing.T) {
	e := newEnv(t)
	e.publishIris(1)
	j := e.exportJob("POST", "/api/models/iris/export", "", http.StatusAccepted)
	for j.State == exportQueued {
		j = e.exportJob("GET", fmt.Sprintf("/api/models/iris/exports/%s?since=%d", j.ID, j.Seq), "", 200)
	}
	if j.State != exportBinary {
		t.Fatalf("the export is %s, not building its gopad", j.State)
	}
	job := e.srv.exports.find("iris", j.ID)
	e.srv.Close()
	v := e.srv.exports.view(job)
	if v.State != exportFailed || !strings.Contains(v.Error, "stopped during the export") {
		t.Errorf("after Close: %s %q", v.State, v.Error)
	}
	if _, err := os.Stat(filepath.Join(e.root, "exports", "iris-v1")); !os.IsNotExist(err) {
		t.Errorf("the stopped export left its folder: %v", err)
	}
}
