package notebooks

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed examples/*.gonb
var examples embed.FS

// Examples returns the example notebooks bundled with gopad, as .gonb files at the
// root of the returned file system (for example "welcome.gonb").
func Examples() fs.FS {
	sub, err := fs.Sub(examples, "examples")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}

// ExampleNames returns the file names of the bundled example notebooks, sorted.
func ExampleNames() []string {
	entries, _ := fs.ReadDir(Examples(), ".")
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".gonb") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// LoadExample parses the bundled example notebook with the given file name.
func LoadExample(name string) (*Notebook, error) {
	data, err := fs.ReadFile(Examples(), path.Clean(name))
	if err != nil {
		return nil, fmt.Errorf("example notebook %q: no such example (have %s)", name, strings.Join(ExampleNames(), ", "))
	}
	nb, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("example notebook %s: %w", name, err)
	}
	return nb, nil
}
