package browserproto

// JSON bodies of the HTTP API (see the package documentation for the routes).

// ContentsEntry is one item of a directory listing.
type ContentsEntry struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Type  string `json:"type"` // "notebook", "directory" or "file"
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"` // Unix milliseconds
}

// ExampleEntry names a bundled example notebook.
type ExampleEntry struct {
	Name        string `json:"name"`
	Path        string `json:"path"`        // "examples/<name>"
	Title       string `json:"title"`       // the notebook's own title, or its name
	Description string `json:"description"` // one line from the notebook, or ""
	// Copy is the workspace path of the user's copy (examples/<name>), which
	// opening the example opens; empty while there is none.
	Copy string `json:"copy,omitempty"`
}

// OpenExampleReply answers POST /api/examples/open.
type OpenExampleReply struct {
	Path    string `json:"path"`    // the copy to open
	Created bool   `json:"created"` // made by this request (false: the existing copy)
}

// ContentsListing answers GET /api/contents.
type ContentsListing struct {
	Path     string          `json:"path"`
	Entries  []ContentsEntry `json:"entries"`
	Examples []ExampleEntry  `json:"examples"`
}

// KernelInfo describes one running kernel in GET /api/kernels.
type KernelInfo struct {
	Path    string `json:"path"`
	State   string `json:"state"`
	Started int64  `json:"started"` // Unix milliseconds
	PID     int    `json:"pid"`
	Clients int    `json:"clients"`
}
