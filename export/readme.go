package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"gopad.dev/gopad/serving"
	"gopad.dev/gopad/serving/oip"
	"gopad.dev/gopad/serving/registry"
)

// example is a request the model accepts and what it answered to it, both
// computed by gopad's own serving handler on the exported files.
type example struct {
	Metadata oip.ModelMetadata
	Request  string // JSON
	Response string // JSON, indented
	Input    oip.TensorMetadata
	Shape    []int64
	Data     []any
}

// callModel serves the model in dir in-process (the same handler the image
// runs) and returns its metadata and the answer to an example request.
func callModel(dir, model string) (*example, error) {
	s, err := serving.NewFromDir(dir, model, serving.Options{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	do := func(method, path, body string) ([]byte, error) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		return rec.Body.Bytes(), nil
	}
	meta, err := do("GET", "/v2/models/"+model, "")
	if err != nil {
		return nil, err
	}
	ex := &example{}
	if err := json.Unmarshal(meta, &ex.Metadata); err != nil {
		return nil, fmt.Errorf("model metadata: %w", err)
	}
	if len(ex.Metadata.Inputs) == 0 {
		return nil, fmt.Errorf("model %s declares no inputs", model)
	}
	ex.Input = ex.Metadata.Inputs[0]
	n := int64(1)
	for i, d := range ex.Input.Shape {
		switch {
		case d >= 0:
			ex.Shape = append(ex.Shape, d)
		case i == 0:
			ex.Shape = append(ex.Shape, 1) // the batch
		default:
			ex.Shape = append(ex.Shape, 8)
		}
		n *= ex.Shape[i]
	}
	for i := int64(0); i < n; i++ {
		switch ex.Input.Datatype {
		case oip.BYTES:
			ex.Data = append(ex.Data, "the quick brown fox jumps over the lazy dog")
		case oip.FP32, oip.FP64:
			ex.Data = append(ex.Data, float64(i%5)/4)
		default:
			ex.Data = append(ex.Data, 1)
		}
	}
	req, _ := json.Marshal(map[string]any{"inputs": []map[string]any{{
		"name": ex.Input.Name, "shape": ex.Shape, "datatype": ex.Input.Datatype, "data": ex.Data}}})
	ex.Request = string(req)
	resp, err := do("POST", "/v2/models/"+model+"/infer", ex.Request)
	if err != nil {
		return nil, fmt.Errorf("the example request: %w", err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, resp, "", "  "); err != nil {
		return nil, err
	}
	ex.Response = pretty.String()
	return ex, nil
}

func sortStrings(s []string) { slices.Sort(s) }

var readmeTemplate = template.Must(template.New("README").Funcs(template.FuncMap{
	"shape": func(s []int64) string {
		parts := make([]string, len(s))
		for i, d := range s {
			parts[i] = strconv.FormatInt(d, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	},
	"params": func(p map[string]any) string {
		if len(p) == 0 {
			return ""
		}
		b, _ := json.Marshal(p)
		return "`" + string(b) + "`"
	},
	"mib": func(b int64) string {
		if b < 1<<20 {
			return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
		}
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	},
	"json":  func(v any) string { b, _ := json.Marshal(v); return string(b) },
	"quote": strconv.Quote,
}).Parse(readmeText))

type readmeData struct {
	T         target
	R         *Result
	V         registry.VersionInfo
	Ex        *example
	Metrics   []string
	Lineage   string
	Runtime   string
	Args      []string
	Infer     string // the infer URL path
	Numpy     string // numpy dtype of the example input
	Triton    string // tritonclient datatype
	PyData    string
	PyShape   string
	Port      int
	UIDGID    string
	ImageName string // the image's name without tag or digest, as kustomize matches it
	Drain     int
}

func writeReadme(versionDir string, t target, res *Result, vi registry.VersionInfo) ([]byte, error) {
	ex, err := callModel(versionDir, t.Model)
	if err != nil {
		return nil, err
	}
	d := readmeData{T: t, R: res, V: vi, Ex: ex, Runtime: RuntimeName, Args: RuntimeArgs, Port: Port,
		Infer: "/v2/models/" + t.Model + "/infer", UIDGID: fmt.Sprintf("%d:%d", UID, GID),
		ImageName: kustomizeImage(t.Image).Name, Drain: DrainSeconds}
	for k, v := range vi.Lineage.Metrics {
		d.Metrics = append(d.Metrics, fmt.Sprintf("%s %.4g", k, float64(v)))
	}
	sortStrings(d.Metrics)
	var from []string
	if l := vi.Lineage; l.Notebook != "" {
		from = append(from, "notebook `"+l.Notebook+"`")
		if l.Cell != "" {
			from = append(from, "cell `"+l.Cell+"`")
		}
	}
	if vi.Lineage.Source != "" {
		from = append(from, "by "+vi.Lineage.Source)
	}
	from = append(from, "at "+vi.Created.UTC().Format("2006-01-02 15:04:05 UTC"))
	d.Lineage = strings.Join(from, ", ")
	switch ex.Input.Datatype {
	case oip.BYTES:
		d.Numpy, d.Triton = "object", "BYTES"
	case oip.INT64:
		d.Numpy, d.Triton = "int64", "INT64"
	default:
		d.Numpy, d.Triton = "float32", ex.Input.Datatype
	}
	pyData, _ := json.Marshal(ex.Data)
	d.PyData = string(pyData)
	d.PyShape = strings.Trim(strings.ReplaceAll(fmt.Sprint(ex.Shape), " ", ", "), "[]")
	var b bytes.Buffer
	if err := readmeTemplate.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

const readmeText = "# {{.T.Model}} version {{.T.Version}}\n" + `
This directory is the model **{{.T.Model}}**, version {{.T.Version}} of the gopad registry, exported by ` + "`gopad export`" + `
to run outside the notebook: as a container, on Kubernetes, or under KServe. The server is
` + "`gopad serve-model`" + ` and speaks the Open Inference Protocol v2 (KServe V2, Triton's HTTP API) on port {{.Port}}.

| | |
|---|---|
| model | ` + "`{{.T.Model}}`" + `, version {{.T.Version}} ({{mib .V.Bytes}} of weights and metadata) |
| published | {{.Lineage}} |
{{- if .Metrics}}
| metrics | {{range $i, $m := .Metrics}}{{if $i}}, {{end}}{{$m}}{{end}} |
{{- end}}
| image | ` + "`{{.R.Tag}}`" + ` in ` + "`image.tar`" + `, image ID ` + "`{{.R.ImageID}}`" + `, manifest digest ` + "`{{.R.Digest}}`" + `{{if .R.Pushed}}; pushed as ` + "`{{.R.Pushed}}`" + `{{end}} |
| gopad binary | {{.R.Binary.Origin}} |

## Inputs and outputs

| | name | datatype | shape | parameters |
|---|---|---|---|---|
{{- range .Ex.Metadata.Inputs}}
| input | ` + "`{{.Name}}`" + ` | {{.Datatype}} | {{shape .Shape}} | {{params .Parameters}} |
{{- end}}
{{- range .Ex.Metadata.Outputs}}
| output | ` + "`{{.Name}}`" + ` | {{.Datatype}} | {{shape .Shape}} | {{params .Parameters}} |
{{- end}}

The first dimension is the batch (-1: any size). Send one of the inputs.

## Run it on this machine

    docker load -i image.tar          # or: podman load -i image.tar
    docker run --rm -p {{.Port}}:{{.Port}} {{.R.Tag}}

No Docker daemon is needed to make the image: ` + "`image.tar`" + ` was written by gopad itself. To build
the same image from its files instead (same layers, user, entrypoint, port and labels):

    docker build -t {{.R.Tag}} .      # or: podman build -t {{.R.Tag}} .

## Call it

    curl -s localhost:{{.Port}}/v2/health/ready
    curl -s localhost:{{.Port}}/v2/models/{{.T.Model}}
    curl -s localhost:{{.Port}}{{.Infer}} -H 'Content-Type: application/json' \
      -d '{{.Ex.Request}}'

This model answered that request with:

` + "```json\n{{.Ex.Response}}\n```" + `

From Python, with Triton's client (` + "`pip install tritonclient[http]`" + `):

` + "```python" + `
import numpy as np
import tritonclient.http as httpclient

client = httpclient.InferenceServerClient("localhost:{{.Port}}")
data = np.array({{.PyData}}, dtype=np.{{.Numpy}}).reshape({{.PyShape}})
inp = httpclient.InferInput({{quote .Ex.Input.Name}}, list(data.shape), {{quote .Triton}})
inp.set_data_from_numpy(data)
result = client.infer({{quote .T.Model}}, inputs=[inp])
{{- range .Ex.Metadata.Outputs}}
print(result.as_numpy({{quote .Name}}))
{{- end}}
` + "```" + `

## Push it

    crane push image.tar REGISTRY/REPOSITORY:v{{.T.Version}}

or let gopad push while exporting, with the credentials of ` + "`docker login`" + ` / ` + "`podman login`" + ` and their
credential helpers: ` + "`gopad export {{.T.Model}}:{{.T.Version}} -o DIR --push REGISTRY/REPOSITORY:v{{.T.Version}}`" + ` (the manifests
then name the pushed image by digest).

## Kubernetes

` + "`k8s/`" + ` holds a Deployment, a Service, a HorizontalPodAutoscaler and a PodDisruptionBudget named
` + "`{{.T.Object}}`" + `, tied together by ` + "`k8s/kustomization.yaml`" + `. The pods run image ` + "`{{.T.Image}}`" + `; point them at
the copy you pushed, then apply:

    cd k8s && kustomize edit set image {{.ImageName}}=REGISTRY/REPOSITORY:v{{.T.Version}} && cd ..
    kubectl apply -k k8s/
    kubectl rollout status deployment/{{.T.Object}}
    kubectl port-forward service/{{.T.Object}} {{.Port}}:{{.Port}} &
    curl -s localhost:{{.Port}}{{.Infer}} -H 'Content-Type: application/json' -d '{{.Ex.Request}}'

What the manifests set:
- probes: liveness on ` + "`/v2/health/live`" + `, readiness on ` + "`/v2/health/ready`" + `, a startup probe that allows two minutes to load;
- resources sized from the model's {{mib .V.Bytes}}: memory request {{mib .T.Size.MemoryRequest}} (64 MiB plus the weights once
  per worker and once loaded, {{.T.Size.Workers}} workers), limit {{mib .T.Size.MemoryLimit}} (GOMEMLIMIT {{mib .T.Size.GoMemoryLimit}}), CPU {{.T.Size.CPURequest}} to {{.T.Size.CPULimit}};
- security: user {{.UIDGID}}, non-root, read-only root filesystem, no privilege escalation, all
  capabilities dropped, RuntimeDefault seccomp, no service account token;
- shutdown: on SIGTERM the server fails its readiness probe, stops accepting connections and finishes the
  requests in flight for up to {{.Drain}} seconds (terminationGracePeriodSeconds: {{.T.Size.TerminationSec}});
- autoscaling: {{.T.Size.MinReplicas}} to {{.T.Size.MaxReplicas}} replicas at {{.T.Size.CPUTargetPct}}% CPU; the PodDisruptionBudget keeps one pod up.
  Where Prometheus and prometheus-adapter run, ` + "`k8s/optional/hpa-requests.yaml`" + ` also scales on requests per
  second (50 per pod); add the rule in ` + "`k8s/optional/prometheus-rules.yaml`" + ` to the adapter's configuration and
  apply that file after the kustomization (it replaces the CPU-only autoscaler of the same name).
- metrics: Prometheus scrape annotations for ` + "`/metrics`" + ` on port {{.Port}}.

## KServe

` + "`kserve/clusterservingruntime.yaml`" + ` defines the runtime ` + "`{{.Runtime}}`" + ` for model format ` + "`gopad`" + ` (protocol v2): it runs the
image's gopad with KServe's arguments ` + "`{{range $i, $a := .Args}}{{if $i}} {{end}}{{$a}}{{end}}`" + `.
` + "`kserve/inferenceservice.yaml`" + ` serves this model with it, fetched by KServe's storage initializer from
` + "`{{.R.StorageURI}}`" + `. Copy ` + "`kserve/model/`" + ` (the files of this version, as the runtime expects them in
/mnt/models) there, or export again with ` + "`--storage_uri s3://BUCKET/PATH`" + ` (any URI KServe's storage initializer reads):

    kubectl apply -f kserve/clusterservingruntime.yaml      # once per cluster, by an administrator
    kubectl apply -f kserve/inferenceservice.yaml
    kubectl get inferenceservice {{.T.Object}}
    curl -s -H "Host: {{.T.Object}}.NAMESPACE.example.com" http://INGRESS{{"/v2/models/"}}{{.T.Object}}/infer \
      -H 'Content-Type: application/json' -d '{{.Ex.Request}}'

Under KServe the model's name is the InferenceService's, ` + "`{{.T.Object}}`" + `, and its version is 1: KServe
versions models by InferenceService revisions, not by gopad's registry.

## What is in the image

| path | what |
|---|---|
| ` + "`/usr/local/bin/gopad`" + ` | gopad, a static linux/amd64 binary: no C library or shell needed |
| ` + "`/mnt/models/{{.T.Model}}/`" + ` | a registry holding version {{.T.Version}} only (model.json, model.safetensors, lineage.json) |
| ` + "`/etc/passwd`, `/etc/group`" + ` | root and the user ` + "`nonroot`" + ` ({{.UIDGID}}) the image runs as |

Entrypoint ` + "`gopad serve-model --model_dir /mnt/models`" + `; port {{.Port}}; labels ` + "`dev.gopad.model.name`" + `,
` + "`dev.gopad.model.version`" + ` and ` + "`dev.gopad.model.lineage`" + ` (where the version came from). There are no CA
certificates: the server makes no outgoing connections.
`
