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
	Name string `json:"name"`
	Path string `json:"path"` // "examples/<name>"
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
