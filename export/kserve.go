package export

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// KServe's resources, as small typed structs with exactly the JSON names of
// KServe's Go API (github.com/kserve/kserve pkg/apis/serving v1alpha1
// ServingRuntimeSpec and v1beta1 InferenceServiceSpec, PredictorSpec,
// ModelSpec): only the fields gopad sets. Depending on the kserve module
// itself would pull in Knative, controller-runtime and much of Kubernetes'
// client code for four structs.

// ModelFormat is KServe's name for what a runtime can load.
const ModelFormat = "gopad"

// RuntimeName is the ClusterServingRuntime's name.
const RuntimeName = "gopad"

// ClusterServingRuntime is serving.kserve.io/v1alpha1 ClusterServingRuntime.
type ClusterServingRuntime struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ServingRuntimeSpec `json:"spec"`
}

// ServingRuntimeSpec is KServe's ServingRuntimeSpec (with its inlined
// ServingRuntimePodSpec's containers).
type ServingRuntimeSpec struct {
	SupportedModelFormats []SupportedModelFormat `json:"supportedModelFormats,omitempty"`
	MultiModel            *bool                  `json:"multiModel,omitempty"`
	ProtocolVersions      []string               `json:"protocolVersions,omitempty"`
	Containers            []corev1.Container     `json:"containers"`
	Annotations           map[string]string      `json:"annotations,omitempty"`
}

// SupportedModelFormat is KServe's SupportedModelFormat.
type SupportedModelFormat struct {
	Name       string  `json:"name"`
	Version    *string `json:"version,omitempty"`
	AutoSelect *bool   `json:"autoSelect,omitempty"`
	Priority   *int32  `json:"priority,omitempty"`
}

// InferenceService is serving.kserve.io/v1beta1 InferenceService.
type InferenceService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              InferenceServiceSpec `json:"spec"`
}

// InferenceServiceSpec is KServe's InferenceServiceSpec (predictor only).
type InferenceServiceSpec struct {
	Predictor PredictorSpec `json:"predictor"`
}

// PredictorSpec is KServe's PredictorSpec: the model, and from its inlined
// ComponentExtensionSpec the replica bounds.
type PredictorSpec struct {
	Model       *ModelSpec `json:"model,omitempty"`
	MinReplicas *int32     `json:"minReplicas,omitempty"`
	MaxReplicas int32      `json:"maxReplicas,omitempty"`
}

// ModelSpec is KServe's ModelSpec: format, runtime, and from its inlined
// PredictorExtensionSpec the storage URI, protocol and container resources.
type ModelSpec struct {
	ModelFormat     ModelFormatRef              `json:"modelFormat"`
	Runtime         *string                     `json:"runtime,omitempty"`
	StorageURI      *string                     `json:"storageUri,omitempty"`
	ProtocolVersion *string                     `json:"protocolVersion,omitempty"`
	Resources       corev1.ResourceRequirements `json:"resources,omitempty"`
}

// ModelFormatRef is KServe's ModelFormat.
type ModelFormatRef struct {
	Name    string  `json:"name"`
	Version *string `json:"version,omitempty"`
}

// RuntimeArgs are the arguments KServe's runtime passes: KServe fills in
// {{.Name}} with the InferenceService's name and its storage initializer puts
// the model in /mnt/models.
var RuntimeArgs = []string{"--model_name={{.Name}}", "--model_dir=" + ModelDir, "--http_port=" + "8080"}

func (t target) servingRuntime() *ClusterServingRuntime {
	c := t.container("kserve-container", RuntimeArgs)
	return &ClusterServingRuntime{
		TypeMeta:   metav1.TypeMeta{APIVersion: "serving.kserve.io/v1alpha1", Kind: "ClusterServingRuntime"},
		ObjectMeta: metav1.ObjectMeta{Name: RuntimeName, Labels: map[string]string{"app.kubernetes.io/part-of": "gopad"}},
		Spec: ServingRuntimeSpec{
			SupportedModelFormats: []SupportedModelFormat{{Name: ModelFormat, Version: ptr("1"), AutoSelect: ptr(true)}},
			MultiModel:            ptr(false),
			ProtocolVersions:      []string{"v2"},
			Containers:            []corev1.Container{c},
			Annotations: map[string]string{
				"prometheus.kserve.io/port": "8080",
				"prometheus.kserve.io/path": "/metrics",
			},
		},
	}
}

func (t target) inferenceService(storageURI string) *InferenceService {
	return &InferenceService{
		TypeMeta:   metav1.TypeMeta{APIVersion: "serving.kserve.io/v1beta1", Kind: "InferenceService"},
		ObjectMeta: metav1.ObjectMeta{Name: t.Object, Annotations: t.annotations()},
		Spec: InferenceServiceSpec{Predictor: PredictorSpec{
			MinReplicas: ptr(int32(1)),
			MaxReplicas: t.Size.MaxReplicas,
			Model: &ModelSpec{
				ModelFormat:     ModelFormatRef{Name: ModelFormat},
				Runtime:         ptr(RuntimeName),
				StorageURI:      ptr(storageURI),
				ProtocolVersion: ptr("v2"),
				Resources:       t.Size.resources(),
			},
		}},
	}
}

// kserveManifests returns DIR/kserve's YAML files by name.
func (t target) kserveManifests(storageURI string) (map[string][]byte, error) {
	rt, err := yaml.Marshal(t.servingRuntime())
	if err != nil {
		return nil, err
	}
	isvc, err := yaml.Marshal(t.inferenceService(storageURI))
	if err != nil {
		return nil, err
	}
	return map[string][]byte{"clusterservingruntime.yaml": rt, "inferenceservice.yaml": isvc}, nil
}
