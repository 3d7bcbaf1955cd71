package export

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// Sizing of the Deployment. serve-model keeps one copy of the weights per
// worker plus the loaded model; the rest is Go's runtime, buffers for
// requests in flight and headroom.
const (
	Workers = 2 // --workers: model replicas computing in parallel, as many as the CPU limit
	// DrainSeconds is serve-model's wait for requests in flight after SIGTERM
	// (serving.StandaloneConfig.Drain's default); the pod gets a little more
	// to exit before Kubernetes kills it.
	DrainSeconds             = 30
	TerminationGraceSeconds  = DrainSeconds + 5
	baseMemory               = 64 << 20
	cpuRequest, cpuLimit     = "250m", "2"
	minReplicas, maxReplicas = 2, 10
	cpuTargetPercent         = 70
)

// Sizing is the memory a model needs, from the size of its files.
type Sizing struct {
	ModelBytes     int64
	MemoryRequest  int64 // bytes
	MemoryLimit    int64
	GoMemoryLimit  int64 // GOMEMLIMIT: 90% of the limit, so Go collects before the kernel kills
	CPURequest     string
	CPULimit       string
	Workers        int
	MinReplicas    int32
	MaxReplicas    int32
	CPUTargetPct   int32
	TerminationSec int64
}

// SizeFor sizes a pod for a model of modelBytes: the weights once per worker
// and once as loaded, plus 64 MiB, rounded up to MiB; the limit is twice that.
func SizeFor(modelBytes int64) Sizing {
	const mib = 1 << 20
	req := baseMemory + int64(Workers+1)*modelBytes
	req = (req + mib - 1) / mib * mib
	return Sizing{ModelBytes: modelBytes, MemoryRequest: req, MemoryLimit: 2 * req, GoMemoryLimit: 2 * req / 10 * 9,
		CPURequest: cpuRequest, CPULimit: cpuLimit, Workers: Workers,
		MinReplicas: minReplicas, MaxReplicas: maxReplicas, CPUTargetPct: cpuTargetPercent, TerminationSec: TerminationGraceSeconds}
}

func (s Sizing) resources() corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(s.CPURequest),
			corev1.ResourceMemory: *resource.NewQuantity(s.MemoryRequest, resource.BinarySI),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(s.CPULimit),
			corev1.ResourceMemory: *resource.NewQuantity(s.MemoryLimit, resource.BinarySI),
		},
	}
}

// target is what the manifests describe.
type target struct {
	Object  string // Kubernetes object name (DNS label)
	Model   string // the model's registry name
	Version int
	Image   string // image reference the pods run
	Size    Sizing
}

func (t target) labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       t.Object,
		"app.kubernetes.io/component":  "model-server",
		"app.kubernetes.io/part-of":    "gopad",
		"app.kubernetes.io/managed-by": "gopad-export",
	}
}

func (t target) selector() map[string]string {
	return map[string]string{"app.kubernetes.io/name": t.Object, "app.kubernetes.io/component": "model-server"}
}

func ptr[T any](v T) *T { return &v }

// container is the serving container, shared by the Deployment and the
// ClusterServingRuntime.
func (t target) container(name string, args []string) corev1.Container {
	return corev1.Container{
		Name:  name,
		Image: t.Image,
		Args:  args,
		Env: []corev1.EnvVar{
			{Name: "GOMEMLIMIT", Value: strconv.FormatInt(t.Size.GoMemoryLimit, 10)},
		},
		Ports:     []corev1.ContainerPort{{Name: "http", ContainerPort: Port, Protocol: corev1.ProtocolTCP}},
		Resources: t.Size.resources(),
		SecurityContext: &corev1.SecurityContext{
			RunAsNonRoot:             ptr(true),
			RunAsUser:                ptr(int64(UID)),
			RunAsGroup:               ptr(int64(GID)),
			ReadOnlyRootFilesystem:   ptr(true),
			AllowPrivilegeEscalation: ptr(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
}

func probe(path string, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}},
		PeriodSeconds:    period,
		TimeoutSeconds:   2,
		FailureThreshold: failures,
	}
}

func (t target) deployment() *appsv1.Deployment {
	c := t.container("server", []string{"--workers=" + strconv.Itoa(t.Size.Workers)})
	c.LivenessProbe = probe("/v2/health/live", 10, 3)
	c.ReadinessProbe = probe("/v2/health/ready", 5, 2)
	// A large model takes a while to load: up to 2 minutes before liveness counts.
	c.StartupProbe = probe("/v2/health/live", 2, 60)
	c.VolumeMounts = []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: t.Object, Labels: t.labels(), Annotations: t.annotations()},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(t.Size.MinReplicas),
			Selector: &metav1.LabelSelector{MatchLabels: t.selector()},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr(intstr.FromInt32(0)), MaxSurge: ptr(intstr.FromInt32(1)),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: t.labels(),
					Annotations: map[string]string{
						"prometheus.io/scrape": "true",
						"prometheus.io/port":   strconv.Itoa(Port),
						"prometheus.io/path":   "/metrics",
					},
				},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: ptr(t.Size.TerminationSec),
					AutomountServiceAccountToken:  ptr(false),
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   ptr(true),
						RunAsUser:      ptr(int64(UID)),
						RunAsGroup:     ptr(int64(GID)),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{c},
					Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{
						EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr(resource.MustParse("64Mi"))}}}},
				},
			},
		},
	}
}

func (t target) annotations() map[string]string {
	return map[string]string{LabelModel: t.Model, LabelVersion: strconv.Itoa(t.Version)}
}

func (t target) service() *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: t.Object, Labels: t.labels(), Annotations: t.annotations()},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: t.selector(),
			Ports:    []corev1.ServicePort{{Name: "http", Port: Port, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}},
		},
	}
}

func (t target) hpa() *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
		ObjectMeta: metav1.ObjectMeta{Name: t.Object, Labels: t.labels()},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: t.Object},
			MinReplicas:    ptr(t.Size.MinReplicas),
			MaxReplicas:    t.Size.MaxReplicas,
			Metrics: []autoscalingv2.MetricSpec{{
				Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{
					Name:   corev1.ResourceCPU,
					Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(t.Size.CPUTargetPct)},
				},
			}},
		},
	}
}

// RequestsPerSecondMetric is the per-pod metric the optional
// requests-per-second autoscaler reads through a Prometheus adapter (a rule
// computing the rate of serve-model's gopad_inference_requests_total).
const RequestsPerSecondMetric = "gopad_inference_requests_per_second"

// hpaRequests is the optional autoscaler on requests per second, for
// clusters with a Prometheus adapter; it replaces hpa.yaml (same name).
func (t target) hpaRequests(perPod int64) *autoscalingv2.HorizontalPodAutoscaler {
	h := t.hpa()
	h.Spec.Metrics = append(h.Spec.Metrics, autoscalingv2.MetricSpec{
		Type: autoscalingv2.PodsMetricSourceType,
		Pods: &autoscalingv2.PodsMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: RequestsPerSecondMetric},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: resource.NewQuantity(perPod, resource.DecimalSI)},
		},
	})
	return h
}

func (t target) pdb() *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: t.Object, Labels: t.labels()},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: ptr(intstr.FromInt32(1)),
			Selector:     &metav1.LabelSelector{MatchLabels: t.selector()},
		},
	}
}

// Kustomization is kustomize's kustomization.yaml (the fields gopad writes,
// with kustomize's names).
type Kustomization struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Resources  []string          `json:"resources"`
	Labels     []KustomizeLabels `json:"labels,omitempty"`
	Images     []KustomizeImage  `json:"images,omitempty"`
}

// KustomizeLabels is an entry of a kustomization's labels.
type KustomizeLabels struct {
	Pairs map[string]string `json:"pairs"`
}

// KustomizeImage is an entry of a kustomization's images: `kustomize edit
// set image` changes it to point the Deployment at a pushed copy.
type KustomizeImage struct {
	Name    string `json:"name"`
	NewName string `json:"newName,omitempty"`
	NewTag  string `json:"newTag,omitempty"`
	Digest  string `json:"digest,omitempty"`
}

// K8sFiles are the files of DIR/k8s, in the order kustomize applies them.
var K8sFiles = []string{"deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"}

// manifests returns DIR/k8s's files by name.
func (t target) manifests() (map[string][]byte, error) {
	objs := map[string]any{
		"deployment.yaml":                t.deployment(),
		"service.yaml":                   t.service(),
		"hpa.yaml":                       t.hpa(),
		"pdb.yaml":                       t.pdb(),
		"optional/hpa-requests.yaml":     t.hpaRequests(50),
		"optional/prometheus-rules.yaml": nil, // written below as text: it is the adapter's own format
	}
	out := map[string][]byte{}
	for file, obj := range objs {
		if obj == nil {
			continue
		}
		data, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out[file] = data
	}
	out["optional/prometheus-rules.yaml"] = []byte(adapterRule)
	k := Kustomization{
		APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization",
		Resources: K8sFiles,
		Labels:    []KustomizeLabels{{Pairs: map[string]string{LabelModel: t.Model, LabelVersion: strconv.Itoa(t.Version)}}},
	}
	k.Images = []KustomizeImage{kustomizeImage(t.Image)}
	data, err := yaml.Marshal(k)
	if err != nil {
		return nil, err
	}
	out["kustomization.yaml"] = data
	return out, nil
}

// kustomizeImage splits an image reference as kustomize's images entry
// wants it: the name the Deployment uses, and its tag or digest.
func kustomizeImage(ref string) KustomizeImage {
	if i := strings.LastIndex(ref, "@"); i > 0 {
		return KustomizeImage{Name: ref[:i], NewName: ref[:i], Digest: ref[i+1:]}
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return KustomizeImage{Name: ref[:i], NewName: ref[:i], NewTag: ref[i+1:]}
	}
	return KustomizeImage{Name: ref, NewName: ref, NewTag: "latest"}
}

// adapterRule is a prometheus-adapter rule that turns serve-model's request
// counter into the per-pod rate optional/hpa-requests.yaml scales on.
const adapterRule = `# A rule for prometheus-adapter (its config.yaml, "rules:" list) that serves
# the per-pod metric ` + RequestsPerSecondMetric + ` read by optional/hpa-requests.yaml.
- seriesQuery: 'gopad_inference_requests_total{namespace!="",pod!=""}'
  resources:
    overrides:
      namespace: {resource: "namespace"}
      pod: {resource: "pod"}
  name:
    matches: "gopad_inference_requests_total"
    as: "` + RequestsPerSecondMetric + `"
  metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>)'
`
