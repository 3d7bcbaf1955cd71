package protocol

// Publishing a model (a gopad extension of Jupyter's vocabulary). ml.Publish in
// a cell, and the Publish button of a model shown as a cell's result, go through
// one mechanism:
//
//   - The kernel saves the model (ml.Save) into a fresh directory and sends a
//     publish_request, its parent being the request it is working for (the
//     cell's execute_request, or the server's publish_model_request). This is
//     a request from the kernel to its client, as Jupyter's input_request is.
//   - The client (the notebook server, or `gopad run`) publishes that directory
//     into its model registry with the lineage it knows (notebook, cell, hash
//     of the notebook's content, time) and answers with a publish_reply whose
//     parent is the publish_request.
//   - The button: the server sends a publish_model_request naming a model
//     handle (ModelMIME's "handle") and a name; the kernel resolves the handle
//     and publishes it as above, then answers with a publish_model_reply.
const (
	PublishRequest      = "publish_request"
	PublishReply        = "publish_reply"
	PublishModelRequest = "publish_model_request"
	PublishModelReply   = "publish_model_reply"
)

// ModelMIME is the MIME type a kernel adds to the result bundle of a cell whose
// value is a model: a ModelData, which the notebook's Publish button reads.
const ModelMIME = "application/vnd.gopad.model+json"

// ModelData describes a model shown as a cell's result.
type ModelData struct {
	// Handle names the model in the kernel process that showed it; it is
	// valid until that process ends.
	Handle string `json:"handle"`
	// Name is the name to offer when publishing: the variable's name when the
	// cell's result is a bare identifier, else "model".
	Name    string `json:"name"`
	Params  int    `json:"params"`
	Trained bool   `json:"trained"`
}

// PublishRequestContent asks the kernel's client to publish a saved model.
type PublishRequestContent struct {
	Name string `json:"name"`
	// Dir holds the model as ml.Save wrote it; the kernel removes it once the
	// reply arrives.
	Dir string `json:"dir"`
	// Source is "cell" (ml.Publish) or "button".
	Source string `json:"source"`
	// CellID is the cell whose result the button published ("" for a cell's
	// own ml.Publish: the client knows which cell runs).
	CellID string `json:"cell_id,omitempty"`
	// Record holds what the model carries, as a JSON object of the registry's
	// lineage fields "metrics", "history" and "compression".
	Record map[string]any `json:"record,omitempty"`
}

// PublishReplyContent answers a publish_request (and ends a
// publish_model_request, as PublishModelReply's content). Status is ReplyOK or
// ReplyError with EValue saying why.
type PublishReplyContent struct {
	Status  string `json:"status"`
	EValue  string `json:"evalue,omitempty"`
	Name    string `json:"name,omitempty"`
	Version int    `json:"version,omitempty"`
	// Default is true when the new version now answers requests that name no
	// version (false when an earlier version is pinned).
	Default bool `json:"default,omitempty"`
	// DefaultVersion is the version that answers by default.
	DefaultVersion int `json:"default_version,omitempty"`
	// Served is true when the endpoint answers at URL now; false when the
	// model was only written to the registry (see Note).
	Served bool `json:"served"`
	// URL is the model's endpoint (Open Inference Protocol v2):
	// URL + "/infer" takes requests.
	URL string `json:"url,omitempty"`
	// Registry is the registry's directory.
	Registry string `json:"registry,omitempty"`
	// Example is a request body the model accepts (for the curl line).
	Example string `json:"example,omitempty"`
	// Note says what else the user should know (not served, pinned, ...).
	Note string `json:"note,omitempty"`
}

// PublishModelRequestContent asks the kernel to publish the model it showed
// under Handle, as it is now, under Name.
type PublishModelRequestContent struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
	CellID string `json:"cell_id,omitempty"`
}
