package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"gopad.dev/gopad/export"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/serving"
	reg "gopad.dev/gopad/serving/registry"
)

// A static linux/amd64 gopad, built once per test run: the test binary
// itself links the C library (cgo), so it cannot run in an empty image.
var (
	// The environment the test process started with, captured before
	// TestMain points HOME at a temporary folder: the go command keeps its
	// build and module caches under the real HOME, and a build with empty
	// caches would compile (and download) everything again.
	startEnv   = os.Environ()
	staticOnce sync.Once
	staticPath string
	staticErr  error
)

func staticGopad(t *testing.T) string {
	t.Helper()
	staticOnce.Do(func() {
		// Into the temporary HOME that TestMain removes after the run.
		dir, err := os.MkdirTemp(os.Getenv("HOME"), "gopad-export-bin-")
		if err != nil {
			staticErr = err
			return
		}
		staticPath = filepath.Join(dir, "gopad")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", staticPath, ".")
		cmd.Env = append(slices.Clone(startEnv), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if out, err := cmd.CombinedOutput(); err != nil {
			staticErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if staticErr != nil {
		t.Fatal(staticErr)
	}
	return staticPath
}

// irisRoot publishes three versions of a trained iris classifier (with class
// names) in a new notebook root and returns the root and version 2's model.
func irisRoot(t *testing.T) (string, *ml.Model) {
	t.Helper()
	root := t.TempDir()
	r, err := reg.Open(filepath.Join(root, serving.RegistrySubdir))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	iris := ml.Iris()
	var v2 *ml.Model
	for v := 1; v <= 3; v++ {
		ml.SetSeed(int64(v))
		m := ml.Sequential(ml.Linear(4, 16), ml.ReLU(), ml.Linear(16, 3))
		m.Fit(iris, ml.FitConfig{Epochs: 5 * v, BatchSize: 16, Loss: ml.CrossEntropy(), Optimizer: ml.Adam(1e-2), Seed: int64(v)})
		if err := m.SetMeta(serving.MetaClasses, iris.ClassNames); err != nil {
			t.Fatal(err)
		}
		lin := reg.Lineage{Notebook: "iris.gonb", Cell: fmt.Sprintf("cell-%d", v), Source: "cell",
			Metrics: reg.Metrics(map[string]float64{"accuracy": 0.9 + float64(v)/100})}
		if _, err := r.Publish("iris", m, lin); err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			v2 = m
		}
	}
	return root, v2
}

// decodeStrict decodes YAML into v, rejecting fields v's type does not have.
func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		t.Fatalf("%s does not decode strictly into %T: %v", file, v, err)
	}
}

func TestExportWritesImageManifestsAndReadme(t *testing.T) {
	root, v2 := irisRoot(t)
	bin := staticGopad(t)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := gopad(t, "export", "iris:2", "-o", out, "--root", root, "--binary", bin)
	if code != 0 {
		t.Fatalf("export: %d %s %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "exported iris version 2") || !strings.Contains(stdout, "gopad-iris:v2") {
		t.Fatalf("export said: %q", stdout)
	}

	t.Run("image config", func(t *testing.T) {
		img, err := tarball.ImageFromPath(filepath.Join(out, "image.tar"), ptrTag(t, "gopad-iris:v2"))
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		c := cf.Config
		if c.User != "65532:65532" || cf.OS != "linux" || cf.Architecture != "amd64" {
			t.Errorf("user %q os %q arch %q", c.User, cf.OS, cf.Architecture)
		}
		if !slices.Equal(c.Entrypoint, []string{"/usr/local/bin/gopad", "serve-model", "--model_dir", "/mnt/models"}) || len(c.Cmd) != 0 {
			t.Errorf("entrypoint %q cmd %q", c.Entrypoint, c.Cmd)
		}
		if _, ok := c.ExposedPorts["8080/tcp"]; !ok || len(c.ExposedPorts) != 1 {
			t.Errorf("exposed ports %v", c.ExposedPorts)
		}
		if c.Labels[export.LabelModel] != "iris" || c.Labels[export.LabelVersion] != "2" || c.Labels["org.opencontainers.image.version"] != "2" {
			t.Errorf("labels %v", c.Labels)
		}
		var lin reg.Lineage
		if err := json.Unmarshal([]byte(c.Labels[export.LabelLineage]), &lin); err != nil || lin.Cell != "cell-2" || lin.Notebook != "iris.gonb" || math.Abs(float64(lin.Metrics["accuracy"])-0.92) > 1e-9 {
			t.Errorf("lineage label %q: %+v %v", c.Labels[export.LabelLineage], lin, err)
		}
		layers, err := img.Layers()
		if err != nil || len(layers) != 3 {
			t.Fatalf("layers: %d %v", len(layers), err)
		}
		// Each layer holds its part of the file system, at its path.
		want := [][]string{{"etc/passwd", "etc/group", "tmp/"}, {"usr/local/bin/gopad"}, {"mnt/models/iris/index.json", "mnt/models/iris/v2/model.json", "mnt/models/iris/v2/model.safetensors", "mnt/models/iris/v2/lineage.json"}}
		for i, l := range layers {
			names := layerFiles(t, l.Uncompressed)
			for _, w := range want[i] {
				if _, ok := names[w]; !ok {
					t.Errorf("layer %d lacks %s: %v", i, w, sortedKeys(names))
				}
			}
			for n, h := range names {
				if h.Uid != 0 || h.Gid != 0 {
					t.Errorf("%s owned by %d:%d", n, h.Uid, h.Gid)
				}
			}
		}
		if h := layerFiles(t, layers[1].Uncompressed)["usr/local/bin/gopad"]; h.Mode&0o111 == 0 {
			t.Errorf("gopad mode %o", h.Mode)
		}
		for _, other := range []string{"mnt/models/iris/v1/model.json", "mnt/models/iris/v3/model.json"} {
			if _, ok := layerFiles(t, layers[2].Uncompressed)[other]; ok {
				t.Errorf("the image holds %s: only version 2 belongs there", other)
			}
		}
		// The same export gives the same image: files are dated by the version.
		d1, _ := img.Digest()
		out2 := filepath.Join(t.TempDir(), "again")
		if code, _, stderr := gopad(t, "export", "iris:v2", "-o", out2, "--root", root, "--binary", bin); code != 0 {
			t.Fatalf("second export: %s", stderr)
		}
		img2, err := tarball.ImageFromPath(filepath.Join(out2, "image.tar"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d2, _ := img2.Digest(); d1 != d2 {
			t.Errorf("two exports of one version differ: %s %s", d1, d2)
		}
	})

	t.Run("the unpacked image serves the model", func(t *testing.T) {
		img, err := tarball.ImageFromPath(filepath.Join(out, "image.tar"), nil)
		if err != nil {
			t.Fatal(err)
		}
		rootfs := t.TempDir()
		untar(t, mutate.Extract(img), rootfs)
		cf, _ := img.ConfigFile()
		// The entrypoint as the image says, with its environment; only the
		// model directory is moved into the unpacked tree, and the port is a
		// free one on the loopback.
		args := slices.Clone(cf.Config.Entrypoint[1:])
		i := slices.Index(args, "--model_dir")
		args[i+1] = filepath.Join(rootfs, args[i+1])
		args = append(args, "--host", "127.0.0.1", "--http_port", "0")
		cmd := exec.Command(filepath.Join(rootfs, cf.Config.Entrypoint[0]), args...)
		cmd.Env = cf.Config.Env
		base := startAndWaitForAddress(t, cmd)
		for _, p := range []string{"/v2/health/live", "/v2/health/ready", "/v2/models/iris/ready"} {
			if resp, err := http.Get(base + p); err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET %s: %v %v", p, resp, err)
			} else {
				resp.Body.Close()
			}
		}
		var meta struct {
			Name     string
			Versions []string
			Inputs   []struct {
				Name, Datatype string
				Shape          []int64
			}
		}
		getJSON(t, base+"/v2/models/iris", &meta)
		if meta.Name != "iris" || !slices.Equal(meta.Versions, []string{"2"}) || len(meta.Inputs) != 1 || meta.Inputs[0].Name != "input" || !slices.Equal(meta.Inputs[0].Shape, []int64{-1, 4}) {
			t.Fatalf("metadata: %+v", meta)
		}
		x := []float32{5.9, 3.0, 5.1, 1.8, 5.1, 3.5, 1.4, 0.2}
		body := `{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","data":[5.9,3.0,5.1,1.8,5.1,3.5,1.4,0.2]}]}`
		resp, err := http.Post(base+"/v2/models/iris/infer", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ans struct {
			ModelName    string `json:"model_name"`
			ModelVersion string `json:"model_version"`
			Outputs      []struct {
				Name  string
				Shape []int64
				Data  json.RawMessage
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || resp.StatusCode != 200 {
			t.Fatalf("infer: %d %v", resp.StatusCode, err)
		}
		if ans.ModelName != "iris" || ans.ModelVersion != "2" {
			t.Fatalf("answered as %s version %s", ans.ModelName, ans.ModelVersion)
		}
		want := v2.Predict(ml.FromSlice(x, 2, 4)).Data()
		classes := []string{"setosa", "versicolor", "virginica"}
		for _, o := range ans.Outputs {
			switch o.Name {
			case "output":
				var got []float32
				json.Unmarshal(o.Data, &got)
				if len(got) != len(want) {
					t.Fatalf("output %v, want %v", got, want)
				}
				for i := range got {
					if math.Abs(float64(got[i]-want[i])) > 1e-4 {
						t.Fatalf("output %v, want %v (version 2's computation)", got, want)
					}
				}
			case "label":
				var got []string
				json.Unmarshal(o.Data, &got)
				for s := 0; s < 2; s++ {
					best := slices.Index(want[3*s:3*s+3], slices.Max(want[3*s:3*s+3]))
					if got[s] != classes[best] {
						t.Fatalf("labels %v; version 2 computes %s for sample %d", got, classes[best], s)
					}
				}
			}
		}
		if len(ans.Outputs) != 3 {
			t.Fatalf("outputs: %+v", ans.Outputs)
		}
	})

	t.Run("kubernetes manifests", func(t *testing.T) {
		var dep appsv1.Deployment
		decodeStrict(t, filepath.Join(out, "k8s/deployment.yaml"), &dep)
		if dep.Kind != "Deployment" || dep.APIVersion != "apps/v1" || dep.Name != "iris" {
			t.Fatalf("deployment %s %s %s", dep.APIVersion, dep.Kind, dep.Name)
		}
		pod := dep.Spec.Template.Spec
		if len(pod.Containers) != 1 {
			t.Fatalf("containers: %d", len(pod.Containers))
		}
		c := pod.Containers[0]
		if c.Image != "gopad-iris:v2" || c.LivenessProbe.HTTPGet.Path != "/v2/health/live" || c.ReadinessProbe.HTTPGet.Path != "/v2/health/ready" ||
			c.LivenessProbe.HTTPGet.Port.StrVal != "http" || c.Ports[0].ContainerPort != 8080 || c.Ports[0].Name != "http" {
			t.Errorf("container: %+v", c)
		}
		sc := c.SecurityContext
		if !*sc.RunAsNonRoot || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation || *sc.RunAsUser != 65532 || sc.Capabilities.Drop[0] != "ALL" || !*pod.SecurityContext.RunAsNonRoot {
			t.Errorf("security context: %+v %+v", sc, pod.SecurityContext)
		}
		if *pod.TerminationGracePeriodSeconds != 35 {
			t.Errorf("terminationGracePeriodSeconds %d: serve-model drains for 30 s", *pod.TerminationGracePeriodSeconds)
		}
		// Sized from the model: 64 MiB + 3 copies of the version's bytes.
		r, _ := reg.Open(filepath.Join(root, serving.RegistrySubdir))
		inf, _ := r.Get("iris")
		r.Close()
		vi, _ := inf.Version(2)
		wantMem := (64<<20 + 3*vi.Bytes + 1<<20 - 1) / (1 << 20) * (1 << 20)
		if got := c.Resources.Requests.Memory().Value(); got != wantMem || c.Resources.Limits.Memory().Value() != 2*wantMem {
			t.Errorf("memory request %d limit %d; want %d and twice that for a %d-byte model", got, c.Resources.Limits.Memory().Value(), wantMem, vi.Bytes)
		}
		if c.Resources.Requests.Cpu().MilliValue() != 250 || c.Resources.Limits.Cpu().MilliValue() != 2000 {
			t.Errorf("cpu %v", c.Resources)
		}
		for k, v := range dep.Spec.Selector.MatchLabels {
			if dep.Spec.Template.Labels[k] != v {
				t.Errorf("the selector %v does not select the pods %v", dep.Spec.Selector.MatchLabels, dep.Spec.Template.Labels)
			}
		}

		var svc corev1.Service
		decodeStrict(t, filepath.Join(out, "k8s/service.yaml"), &svc)
		if svc.Kind != "Service" || svc.Spec.Ports[0].Port != 8080 || svc.Spec.Ports[0].TargetPort.StrVal != "http" || !mapsEqual(svc.Spec.Selector, dep.Spec.Selector.MatchLabels) {
			t.Errorf("service: %+v", svc.Spec)
		}
		var hpa autoscalingv2.HorizontalPodAutoscaler
		decodeStrict(t, filepath.Join(out, "k8s/hpa.yaml"), &hpa)
		if hpa.APIVersion != "autoscaling/v2" || hpa.Spec.ScaleTargetRef.Name != "iris" || hpa.Spec.ScaleTargetRef.Kind != "Deployment" ||
			hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU || *hpa.Spec.Metrics[0].Resource.Target.AverageUtilization != 70 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
			t.Errorf("hpa: %+v", hpa.Spec)
		}
		var rps autoscalingv2.HorizontalPodAutoscaler
		decodeStrict(t, filepath.Join(out, "k8s/optional/hpa-requests.yaml"), &rps)
		if len(rps.Spec.Metrics) != 2 || rps.Spec.Metrics[1].Pods.Metric.Name != export.RequestsPerSecondMetric {
			t.Errorf("requests-per-second hpa: %+v", rps.Spec.Metrics)
		}
		var pdb policyv1.PodDisruptionBudget
		decodeStrict(t, filepath.Join(out, "k8s/pdb.yaml"), &pdb)
		if pdb.APIVersion != "policy/v1" || pdb.Spec.MinAvailable.IntVal != 1 || !mapsEqual(pdb.Spec.Selector.MatchLabels, dep.Spec.Selector.MatchLabels) {
			t.Errorf("pdb: %+v", pdb.Spec)
		}
		var k export.Kustomization
		decodeStrict(t, filepath.Join(out, "k8s/kustomization.yaml"), &k)
		if k.Kind != "Kustomization" || !slices.Equal(k.Resources, export.K8sFiles) || k.Images[0].Name != "gopad-iris" || k.Images[0].NewTag != "v2" {
			t.Errorf("kustomization: %+v", k)
		}
		for _, f := range k.Resources {
			if _, err := os.Stat(filepath.Join(out, "k8s", f)); err != nil {
				t.Errorf("kustomization names %s: %v", f, err)
			}
		}
	})

	t.Run("kserve", func(t *testing.T) {
		var rt export.ClusterServingRuntime
		decodeStrict(t, filepath.Join(out, "kserve/clusterservingruntime.yaml"), &rt)
		if rt.APIVersion != "serving.kserve.io/v1alpha1" || rt.Kind != "ClusterServingRuntime" || rt.Spec.SupportedModelFormats[0].Name != "gopad" ||
			!slices.Equal(rt.Spec.ProtocolVersions, []string{"v2"}) || rt.Spec.Containers[0].Name != "kserve-container" ||
			!slices.Equal(rt.Spec.Containers[0].Args, []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"}) {
			t.Errorf("runtime: %+v", rt)
		}
		var isvc export.InferenceService
		decodeStrict(t, filepath.Join(out, "kserve/inferenceservice.yaml"), &isvc)
		m := isvc.Spec.Predictor.Model
		if isvc.APIVersion != "serving.kserve.io/v1beta1" || isvc.Kind != "InferenceService" || isvc.Name != "iris" || m.ModelFormat.Name != "gopad" ||
			*m.Runtime != "gopad" || *m.StorageURI != "pvc://gopad-models/iris/v2" || *m.ProtocolVersion != "v2" {
			t.Errorf("inference service: %+v %+v", isvc, m)
		}
		// KServe's field names: the YAML's keys are exactly these paths.
		checkKeys(t, filepath.Join(out, "kserve/inferenceservice.yaml"), map[string]bool{
			"apiVersion": true, "kind": true, "metadata.name": true, "metadata.annotations": true, "metadata.creationTimestamp": true,
			"spec.predictor.minReplicas": true, "spec.predictor.maxReplicas": true,
			"spec.predictor.model.modelFormat.name": true, "spec.predictor.model.runtime": true, "spec.predictor.model.storageUri": true,
			"spec.predictor.model.protocolVersion": true, "spec.predictor.model.resources.requests": true, "spec.predictor.model.resources.limits": true,
		})
		// The runtime serves what kserve/model holds, under the name KServe
		// passes: run it as KServe would.
		cmd := exec.Command(staticGopad(t), "serve-model", "--model_name=iris-isvc", "--model_dir="+filepath.Join(out, "kserve/model"), "--http_port=0", "--host=127.0.0.1")
		base := startAndWaitForAddress(t, cmd)
		body := `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}`
		resp, err := http.Post(base+"/v2/models/iris-isvc/infer", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("kserve layout: infer %d", resp.StatusCode)
		}
	})

	t.Run("dockerfile and readme", func(t *testing.T) {
		df, err := os.ReadFile(filepath.Join(out, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"FROM scratch", "COPY rootfs/usr/ /usr/", "COPY rootfs/mnt/ /mnt/", "USER 65532:65532", "EXPOSE 8080/tcp",
			`ENTRYPOINT ["/usr/local/bin/gopad","serve-model","--model_dir","/mnt/models"]`, `LABEL dev.gopad.model.version="2"`} {
			if !strings.Contains(string(df), w) {
				t.Errorf("Dockerfile lacks %q:\n%s", w, df)
			}
		}
		// Every file the Dockerfile copies exists, and is what the image holds.
		for _, p := range []string{"rootfs/usr/local/bin/gopad", "rootfs/etc/passwd", "rootfs/mnt/models/iris/v2/model.safetensors"} {
			if _, err := os.Stat(filepath.Join(out, p)); err != nil {
				t.Error(err)
			}
		}
		readme, err := os.ReadFile(filepath.Join(out, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		rd := string(readme)
		for _, w := range []string{"# iris version 2", "docker load -i image.tar", "podman load -i image.tar", "crane push image.tar", "kubectl apply -k k8s/",
			"curl -s localhost:8080/v2/models/iris/infer", "tritonclient", `client.infer("iris"`, "| input | `input` | FP32 | [-1, 4]", "| output | `label` | BYTES",
			"notebook `iris.gonb`, cell `cell-2`", "accuracy 0.92", "given with --binary"} {
			if !strings.Contains(rd, w) {
				t.Errorf("README lacks %q", w)
			}
		}
		// The README's example request is one the model answers, with the
		// answer the README shows.
		m := regexp.MustCompile(`-d '(\{"inputs".*?\})'`).FindStringSubmatch(rd)
		if m == nil {
			t.Fatalf("no example request in the README:\n%s", rd)
		}
		s, err := serving.NewFromDir(filepath.Join(out, "kserve/model"), "iris", serving.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", "/v2/models/iris/infer", strings.NewReader(m[1])))
		var label struct {
			Outputs []struct {
				Name string
				Data []any
			}
		}
		json.Unmarshal(rec.Body.Bytes(), &label)
		if rec.Code != 200 || len(label.Outputs) < 2 || !strings.Contains(rd, fmt.Sprintf("%q", label.Outputs[1].Data[0])) {
			t.Fatalf("the README's request: %d %s", rec.Code, rec.Body)
		}
	})
}

func sameImage(t *testing.T, a, b v1.Image) bool {
	t.Helper()
	ac, err1 := a.ConfigName()
	bc, err2 := b.ConfigName()
	al, err3 := a.Layers()
	bl, err4 := b.Layers()
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		t.Fatal(err)
	}
	if ac != bc || len(al) != len(bl) {
		return false
	}
	for i := range al {
		ad, _ := al[i].Digest()
		bd, _ := bl[i].Digest()
		if ad != bd {
			return false
		}
	}
	return true
}

func ptrTag(t *testing.T, s string) *name.Tag {
	t.Helper()
	tag, err := name.NewTag(s)
	if err != nil {
		t.Fatal(err)
	}
	return &tag
}

func layerFiles(t *testing.T, open func() (io.ReadCloser, error)) map[string]*tar.Header {
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

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// untar unpacks a flattened image file system into dir.
func untar(t *testing.T, rc io.ReadCloser, dir string) {
	t.Helper()
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			os.MkdirAll(filepath.Dir(p), 0o755)
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			f.Close()
		default:
			t.Fatalf("unexpected entry %s of type %c", h.Name, h.Typeflag)
		}
	}
}

// startAndWaitForAddress starts a serve-model command and returns its base
// URL once it says where it listens (it loads its models before that).
func startAndWaitForAddress(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stdout, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		stdout.Close()
	})
	addr := regexp.MustCompile(`on http://(127\.0\.0\.1:\d+) `)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := addr.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return "http://" + m[1]
		}
	}
	<-done
	t.Fatalf("serve-model exited without serving: %s", stderr.String())
	return ""
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// checkKeys fails unless the YAML file's leaf paths (maps walked down to
// non-map values) are all in allowed.
func checkKeys(t *testing.T, file string, allowed map[string]bool) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || allowed[prefix] {
			if !allowed[prefix] {
				t.Errorf("%s has %s, which is not one of KServe's fields gopad means to set", file, prefix)
			}
			return
		}
		for k, sub := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(p, sub)
		}
	}
	walk("", doc)
}

func TestExportPushesToARegistry(t *testing.T) {
	root, _ := irisRoot(t)
	bin := staticGopad(t)
	// go-containerregistry's registry implementation, on the loopback.
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/models/iris:v3"
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := gopad(t, "export", "iris", "-o", out, "--root", root, "--binary", bin, "--push", ref)
	if code != 0 {
		t.Fatalf("export --push: %d %s", code, stderr)
	}
	local, err := tarball.ImageFromPath(filepath.Join(out, "image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(ref)
	pushed, err := remote.Image(r)
	if err != nil {
		t.Fatalf("the pushed image: %v", err)
	}
	// A docker-archive has no manifest of its own: the same image is the same
	// config and layers.
	if lc, _ := local.ConfigName(); !sameImage(t, local, pushed) {
		t.Fatalf("pushed image differs from the tarball's (config %s)", lc)
	}
	ld, _ := pushed.Digest()
	cf, _ := pushed.ConfigFile()
	if cf.Config.Labels[export.LabelVersion] != "3" {
		t.Errorf("the default version is 3; labels %v", cf.Config.Labels)
	}
	var dep appsv1.Deployment
	decodeStrict(t, filepath.Join(out, "k8s/deployment.yaml"), &dep)
	wantImage := r.Context().String() + "@" + ld.String()
	if dep.Spec.Template.Spec.Containers[0].Image != wantImage || !strings.Contains(stdout, wantImage) {
		t.Errorf("the Deployment runs %q; want the pushed digest %q (stdout %q)", dep.Spec.Template.Spec.Containers[0].Image, wantImage, stdout)
	}
}

func TestExportBadArguments(t *testing.T) {
	root, _ := irisRoot(t)
	notEmpty := t.TempDir()
	os.WriteFile(filepath.Join(notEmpty, "keep.txt"), []byte("mine"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"export"}, 2, "name the model"},
		{[]string{"export", "iris"}, 2, "-o DIR"},
		{[]string{"export", "iris:x", "-o", "o"}, 2, `the version "x" is not a version number`},
		{[]string{"export", "iris:0", "-o", "o"}, 2, "not a version number"},
		{[]string{"export", ":3", "-o", "o"}, 2, "model name"},
		{[]string{"export", "a b", "-o", "o"}, 2, "model name"},
		{[]string{"export", "iris", "digits", "-o", "o"}, 2, "one model at a time"},
		{[]string{"export", "digits", "-o", "o", "--root", root}, 1, `no model "digits"`},
		{[]string{"export", "iris:7", "-o", "o", "--root", root}, 1, "has no version 7 (versions: 1, 2, 3)"},
		{[]string{"export", "iris", "-o", "o", "--root", filepath.Join(root, "missing")}, 2, "does not exist"},
		{[]string{"export", "iris", "-o", "o", "--root", t.TempDir()}, 1, "nothing is published"},
		{[]string{"export", "iris", "-o", notEmpty, "--root", root, "--binary", "/bin/true"}, 1, "dynamically linked"},
		{[]string{"export", "iris", "-o", notEmpty, "--root", root, "--binary", staticGopad(t)}, 1, "is not empty"},
	} {
		code, _, stderr := gopad(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("gopad %q: exit %d %q; want %d saying %q", c.args, code, stderr, c.code, c.says)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(notEmpty, "keep.txt")); string(b) != "mine" {
		t.Error("an export into a non-empty directory touched its files")
	}
	if code, _, stderr := gopad(t, "export", "-h"); code != 0 || !strings.Contains(stderr, "NAME[:VERSION] -o DIR") || !strings.Contains(stderr, "-push") {
		t.Errorf("export -h: %d %q", code, stderr)
	}
	if code, stdout, _ := gopad(t, "help"); code != 0 || !strings.Contains(stdout, "gopad export NAME[:VERSION]") {
		t.Errorf("help does not list export: %q", stdout)
	}
}

// TestExportImageRunsUnderPodman loads image.tar into podman (Debian's
// podman with runc: crun refuses this machine's hybrid cgroup mounts;
// .ci/run installs both) and runs it: the image as a container
// runtime runs it, as the non-root user, from its own root filesystem. The
// storage is the test's own (vfs under a temporary folder), and the
// container shares the host's network so that no bridge or slirp setup is
// needed in a sandbox; the server's port is a free one given as arguments
// appended to the entrypoint, as Kubernetes' args are.
func TestExportImageRunsUnderPodman(t *testing.T) {
	podmanPath, err := exec.LookPath("podman")
	if err != nil {
		t.Fatal("podman is not installed (apt-get install podman; .ci/run does it)")
	}
	root, _ := irisRoot(t)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := gopad(t, "export", "iris:2", "-o", out, "--root", root, "--binary", staticGopad(t)); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	// podman limits the run root's path to 50 characters: a short folder.
	store, err := os.MkdirTemp("/tmp", "gp-")
	if err != nil {
		t.Fatal(err)
	}
	podman := func(args ...string) *exec.Cmd {
		base := []string{"--root", filepath.Join(store, "root"), "--runroot", filepath.Join(store, "run"), "--storage-driver", "vfs",
			"--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "runc", "--tmpdir", filepath.Join(store, "tmp")}
		return exec.Command(podmanPath, append(base, args...)...)
	}
	t.Cleanup(func() {
		// vfs layers are read-only copies owned by podman: let it remove them.
		podman("system", "reset", "--force").Run()
		os.RemoveAll(store)
	})
	// podman raises the open-files and process limits as root by default,
	// which a sandbox without CAP_SYS_RESOURCE refuses: ask for modest ones.
	ulimits := []string{"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"}
	if b, err := podman("load", "-i", filepath.Join(out, "image.tar")).CombinedOutput(); err != nil || !strings.Contains(string(b), "gopad-iris:v2") {
		t.Fatalf("podman load: %v: %s", err, b)
	}
	b, err := podman("image", "inspect", "--format", "{{.Config.User}} {{.Config.Entrypoint}} {{index .Config.Labels \"dev.gopad.model.version\"}}", "gopad-iris:v2").CombinedOutput()
	if err != nil || strings.TrimSpace(string(b)) != "65532:65532 [/usr/local/bin/gopad serve-model --model_dir /mnt/models] 2" {
		t.Fatalf("podman image inspect: %v: %q", err, b)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	name := fmt.Sprintf("gopad-export-test-%d", port)
	runArgs := append([]string{"run", "--rm", "--name", name, "--network", "host", "--read-only", "--cap-drop", "ALL"}, ulimits...)
	run := podman(append(runArgs, "gopad-iris:v2", "--host", "127.0.0.1", "--http_port", fmt.Sprint(port))...)
	base := startAndWaitForAddress(t, run)
	t.Cleanup(func() { podman("rm", "-f", name).Run() })
	var meta struct{ Versions []string }
	getJSON(t, base+"/v2/models/iris", &meta)
	if !slices.Equal(meta.Versions, []string{"2"}) {
		t.Fatalf("versions %v", meta.Versions)
	}
	body := `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}`
	resp, err := http.Post(base+"/v2/models/iris/infer", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		ModelVersion string `json:"model_version"`
	}
	json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if resp.StatusCode != 200 || ans.ModelVersion != "2" {
		t.Fatalf("infer in the container: %d %+v", resp.StatusCode, ans)
	}
	// The Dockerfile builds the same image: same files, user, entrypoint,
	// port and labels.
	if b, err := podman("build", "--isolation", "chroot", "--runtime", "runc", "-t", "rebuilt:v2", out).CombinedOutput(); err != nil {
		t.Fatalf("podman build: %v: %s", err, b)
	}
	const format = "{{.Config.User}} {{.Config.Entrypoint}} {{.Config.ExposedPorts}} {{.Config.Labels}} {{.Config.Env}}"
	loaded, err1 := podman("image", "inspect", "--format", format, "gopad-iris:v2").CombinedOutput()
	rebuilt, err2 := podman("image", "inspect", "--format", format, "rebuilt:v2").CombinedOutput()
	// buildah labels what it built with; that label is the only difference allowed.
	rebuilt = regexp.MustCompile(`io\.buildah\.version:\S+ `).ReplaceAll(rebuilt, nil)
	if err1 != nil || err2 != nil || string(loaded) != string(rebuilt) {
		t.Fatalf("the Dockerfile's image differs:\n loaded  %s\n rebuilt %s (%v %v)", loaded, rebuilt, err1, err2)
	}
	versionArgs := append(append([]string{"run", "--rm", "--network", "none"}, ulimits...), "--entrypoint", "/usr/local/bin/gopad", "rebuilt:v2", "version")
	diff, err := podman(versionArgs...).CombinedOutput()
	if err != nil || !strings.Contains(string(diff), "gopad") {
		t.Fatalf("the rebuilt image's gopad: %v %s", err, diff)
	}

	// The process runs as the image's user (podman names it from the
	// image's /etc/passwd, where only 65532 is "nonroot").
	top, err := podman("top", name, "user").CombinedOutput()
	if err != nil || !strings.Contains(string(top), "nonroot") {
		t.Fatalf("podman top: %v %s", err, top)
	}
}

// A static gopad puts itself into the image: no build, no --binary.
func TestExportFromAStaticGopadPutsItselfInTheImage(t *testing.T) {
	root, _ := irisRoot(t)
	bin := staticGopad(t)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "export", "iris:1", "-o", out, "--root", root)
	cmd.Env = append(os.Environ(), "PATH=/nonexistent") // no Go toolchain to fall back on
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "gopad in the image: the gopad executable that ran the export ("+bin+")") {
		t.Fatalf("export by a static gopad: %v\n%s", err, b)
	}
	img, err := tarball.ImageFromPath(filepath.Join(out, "image.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rootfs := t.TempDir()
	untar(t, mutate.Extract(img), rootfs)
	inImage, err1 := os.ReadFile(filepath.Join(rootfs, "usr/local/bin/gopad"))
	self, err2 := os.ReadFile(bin)
	if err := errors.Join(err1, err2); err != nil || !bytes.Equal(inImage, self) {
		t.Fatalf("the image's gopad is not the exporting one (%d and %d bytes, %v)", len(inImage), len(self), err)
	}
	if readme, _ := os.ReadFile(filepath.Join(out, "README.md")); !strings.Contains(string(readme), "the gopad executable that ran the export") {
		t.Error("the README does not say where its gopad came from")
	}
}
