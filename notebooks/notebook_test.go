package notebooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// validate checks a notebook file against the nbformat schema with Debian's
// python3-nbformat, the reference implementation.
func validate(t *testing.T, path string) {
	t.Helper()
	const script = `
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)
nbformat.validate(nb)
print(nb.nbformat, nb.nbformat_minor)
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("No module named 'nbformat'")) || errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("schema validation needs Debian's python3-nbformat (apt-get install python3-nbformat; .ci/run does it): %v\n%s", err, out)
		}
		t.Fatalf("nbformat rejects %s: %v\n%s", path, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "4 5" {
		t.Fatalf("nbformat read %s as version %q, want 4 5", path, got)
	}
}

func intp(n int) *int { return &n }

// sample builds a notebook that uses every cell and output kind.
func sample() *Notebook {
	nb := New()
	md := NewCell(MarkdownCell, "# Title\n\nSome *text*.\n")
	code := NewCell(CodeCell, "x := 1\nfmt.Println(x)\nx + 1")
	code.ExecutionCount = intp(3)
	code.Outputs = []Output{
		{Type: StreamOutput, Name: "stdout", Text: "1\n2\n"},
		{Type: DisplayDataOutput, Data: map[string]any{
			"text/plain":                         "a table",
			"text/html":                          "<table>\n<tr><td>1</td></tr>\n</table>",
			"application/vnd.gopad.echarts+json": map[string]any{"series": []any{map[string]any{"type": "line", "data": []any{1.0, 2.5}}}},
			"image/png":                          "iVBORw0KGgo=",
		}, Metadata: map[string]any{}},
		{Type: ExecuteResultOutput, ExecutionCount: intp(3), Data: map[string]any{"text/plain": "2"}},
		{Type: ErrorOutput, EName: "panic", EValue: "boom", Traceback: []string{"cell line 2", "more"}},
	}
	unrun := NewCell(CodeCell, "")
	raw := NewCell(RawCell, "raw text")
	nb.Cells = []*Cell{md, code, unrun, raw}
	return nb
}

func TestNewNotebookMetadata(t *testing.T) {
	var buf bytes.Buffer
	if err := New().Write(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
		Metadata      struct {
			Kernelspec   map[string]string `json:"kernelspec"`
			LanguageInfo map[string]string `json:"language_info"`
		} `json:"metadata"`
		Cells []any `json:"cells"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("written notebook is not JSON: %v\n%s", err, buf.String())
	}
	if doc.NBFormat != 4 || doc.NBFormatMinor != 5 {
		t.Errorf("version %d.%d, want 4.5", doc.NBFormat, doc.NBFormatMinor)
	}
	want := map[string]string{"name": "gopad", "display_name": "Go (gopad)", "language": "go"}
	if !reflect.DeepEqual(doc.Metadata.Kernelspec, want) {
		t.Errorf("kernelspec = %v, want %v", doc.Metadata.Kernelspec, want)
	}
	if li := doc.Metadata.LanguageInfo; li["name"] != "go" || li["file_extension"] != ".go" {
		t.Errorf("language_info = %v", li)
	}
	if doc.Cells == nil {
		t.Error(`"cells" must be an empty list, not null`)
	}
}

func TestWriteValidatesAgainstSchema(t *testing.T) {
	dir := t.TempDir()
	for name, nb := range map[string]*Notebook{"empty.gonb": New(), "sample.gonb": sample()} {
		path := filepath.Join(dir, name)
		if err := Save(path, nb); err != nil {
			t.Fatal(err)
		}
		validate(t, path)
	}
}

func TestRoundTripPreservesContent(t *testing.T) {
	nb := sample()
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cells) != len(nb.Cells) {
		t.Fatalf("got %d cells, want %d", len(got.Cells), len(nb.Cells))
	}
	for i, want := range nb.Cells {
		c := got.Cells[i]
		if c.ID != want.ID || c.Type != want.Type || c.Source != want.Source {
			t.Errorf("cell %d = {%q %q %q}, want {%q %q %q}", i, c.ID, c.Type, c.Source, want.ID, want.Type, want.Source)
		}
		if !reflect.DeepEqual(c.ExecutionCount, want.ExecutionCount) {
			t.Errorf("cell %d execution count %v, want %v", i, c.ExecutionCount, want.ExecutionCount)
		}
		if len(c.Outputs) != len(want.Outputs) {
			t.Fatalf("cell %d has %d outputs, want %d", i, len(c.Outputs), len(want.Outputs))
		}
	}
	outs := got.Cells[1].Outputs
	if outs[0].Text != "1\n2\n" || outs[0].Name != "stdout" {
		t.Errorf("stream output = %+v", outs[0])
	}
	if html := outs[1].Data["text/html"]; html != "<table>\n<tr><td>1</td></tr>\n</table>" {
		t.Errorf("html = %q", html)
	}
	chart, _ := json.Marshal(outs[1].Data["application/vnd.gopad.echarts+json"])
	if string(chart) != `{"series":[{"data":[1,2.5],"type":"line"}]}` {
		t.Errorf("chart JSON = %s", chart)
	}
	if outs[2].ExecutionCount == nil || *outs[2].ExecutionCount != 3 || outs[2].Data["text/plain"] != "2" {
		t.Errorf("execute_result = %+v", outs[2])
	}
	if outs[3].EName != "panic" || outs[3].EValue != "boom" || !reflect.DeepEqual(outs[3].Traceback, []string{"cell line 2", "more"}) {
		t.Errorf("error output = %+v", outs[3])
	}
	// A second write must produce the same bytes: the format is stable.
	var again bytes.Buffer
	if err := got.Write(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("rewrite differs:\n%s\n---\n%s", buf.String(), again.String())
	}
}

func TestWriteSplitsLinesLikeNbformat(t *testing.T) {
	nb := sample()
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []struct {
			Source  []string `json:"source"`
			Outputs []struct {
				Text []string       `json:"text"`
				Data map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if want := []string{"x := 1\n", "fmt.Println(x)\n", "x + 1"}; !reflect.DeepEqual(doc.Cells[1].Source, want) {
		t.Errorf("source = %q, want %q", doc.Cells[1].Source, want)
	}
	if want := []string{"1\n", "2\n"}; !reflect.DeepEqual(doc.Cells[1].Outputs[0].Text, want) {
		t.Errorf("stream text = %q, want %q", doc.Cells[1].Outputs[0].Text, want)
	}
	if png, ok := doc.Cells[1].Outputs[1].Data["image/png"].(string); !ok || png != "iVBORw0KGgo=" {
		t.Errorf("image/png written as %#v, want a plain string", doc.Cells[1].Outputs[1].Data["image/png"])
	}
	if src := doc.Cells[2].Source; src == nil || len(src) != 0 {
		t.Errorf("empty source written as %#v, want []", src)
	}
	if !strings.HasPrefix(buf.String(), "{\n \"cells\": [\n  {\n") {
		t.Errorf("not formatted like nbformat (sorted keys, one-space indent):\n%.80s", buf.String())
	}
}

// foreignIpynb is an nbformat 4.4 notebook as Jupyter and other tools write it:
// no cell ids, strings as lists and as plain strings, and fields gopad does not know.
const foreignIpynb = `{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {"tags": ["intro"], "slideshow": {"slide_type": "slide"}},
   "source": ["# Hello\n", "world"],
   "attachments": {"a.png": {"image/png": "iVBORw0KGgo="}}
  },
  {
   "cell_type": "code",
   "execution_count": 7,
   "metadata": {"collapsed": false, "big": 12345678901234567890, "frac": 0.1},
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": "plain string\n"},
    {"output_type": "execute_result", "execution_count": 7, "data": {"text/plain": ["a\n", "b"], "application/json": {"k": [1, 2.50, null]}}, "metadata": {"isolated": true}},
    {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}, "x_custom_output_field": {"deep": [1]}}
   ],
   "source": "print(1)",
   "x_custom_cell_field": "kept"
  }
 ],
 "metadata": {
  "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
  "language_info": {"name": "python", "version": "3.11.2"},
  "x_tool": {"nested": {"n": 1e400}}
 },
 "nbformat": 4,
 "nbformat_minor": 4,
 "x_top_level": [1, "two"]
}`

// normalize decodes JSON and rejoins nbformat's multi-line lists so that two
// files can be compared by meaning.
func normalize(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	join := func(v any) any {
		if list, ok := v.([]any); ok {
			var b strings.Builder
			for _, s := range list {
				str, ok := s.(string)
				if !ok {
					return v
				}
				b.WriteString(str)
			}
			return b.String()
		}
		return v
	}
	for _, c := range doc["cells"].([]any) {
		cell := c.(map[string]any)
		cell["source"] = join(cell["source"])
		delete(cell, "id")
		for _, o := range asList(cell["outputs"]) {
			out := o.(map[string]any)
			if _, ok := out["text"]; ok {
				out["text"] = join(out["text"])
			}
			if data, ok := out["data"].(map[string]any); ok {
				for k, v := range data {
					if !isJSONMIME(k) {
						data[k] = join(v)
					}
				}
			}
		}
	}
	delete(doc, "nbformat_minor")
	return doc
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func TestIpynbRoundTripKeepsUnknownFields(t *testing.T) {
	nb, err := Parse([]byte(foreignIpynb))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].Source != "# Hello\nworld" || nb.Cells[1].Source != "print(1)" {
		t.Errorf("sources = %q, %q", nb.Cells[0].Source, nb.Cells[1].Source)
	}
	if nb.Cells[0].ID == "" || nb.Cells[1].ID == "" || nb.Cells[0].ID == nb.Cells[1].ID {
		t.Errorf("cells from nbformat 4.4 need distinct fresh ids, got %q and %q", nb.Cells[0].ID, nb.Cells[1].ID)
	}
	if got := nb.Cells[1].Outputs[1].Data["text/plain"]; got != "a\nb" {
		t.Errorf("execute_result text = %q", got)
	}
	// The foreign kernelspec is the file's own and must not be replaced.
	if ks := nb.Metadata["kernelspec"].(map[string]any); ks["name"] != "python3" {
		t.Errorf("kernelspec replaced: %v", ks)
	}

	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	want := normalize(t, []byte(foreignIpynb))
	got := normalize(t, buf.Bytes())
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("round trip changed the notebook:\ngot  %s\nwant %s", g, w)
	}
	// Numbers stay exact, including ones float64 cannot hold.
	for _, s := range []string{"12345678901234567890", "1e400", "2.50"} {
		if !bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Errorf("number %s not kept verbatim:\n%s", s, buf.String())
		}
	}
	var minor struct {
		Minor int `json:"nbformat_minor"`
	}
	json.Unmarshal(buf.Bytes(), &minor)
	if minor.Minor != 5 {
		t.Errorf("written nbformat_minor = %d, want 5 (cells now have ids)", minor.Minor)
	}
}

func TestIpynbFromOtherToolsValidatesAfterSave(t *testing.T) {
	// The foreign file minus the fields the schema forbids (unknown cell, output
	// and top-level fields are kept, but a valid input must give a valid output).
	var doc map[string]any
	json.Unmarshal([]byte(foreignIpynb), &doc)
	delete(doc, "x_top_level")
	cells := doc["cells"].([]any)
	delete(cells[1].(map[string]any), "x_custom_cell_field")
	delete(cells[1].(map[string]any)["outputs"].([]any)[2].(map[string]any), "x_custom_output_field")
	delete(doc["metadata"].(map[string]any), "x_tool") // 1e400 is not a float Python reads back the same way
	data, _ := json.Marshal(doc)

	nb, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "foreign.ipynb")
	if err := Save(path, nb); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
}

func TestCorruptOrForeignFiles(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"empty", "", "empty"},
		{"not json", "package main\n\nfunc main() {}\n", "not JSON: line 1 column 1"},
		{"truncated", `{"cells": [`, "ends early"},
		{"json list", `[1, 2]`, "array, not an object"},
		{"json but not a notebook", `{"name": "package.json"}`, `no "nbformat" field`},
		{"nbformat 3", `{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}`, "nbformat 3 is not supported"},
		{"nbformat as string", `{"nbformat": "4", "nbformat_minor": 5, "cells": [], "metadata": {}}`, `"nbformat": want an integer, got a string`},
		{"cells not a list", `{"nbformat": 4, "nbformat_minor": 5, "cells": {}, "metadata": {}}`, `"cells": want a list of cells, got an object`},
		{"source a number", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 42, "metadata": {}, "outputs": []}]}`, `cell 1 field "source": want a string or a list of strings, got a number`},
		{"unknown cell type", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "heading", "source": "", "metadata": {}}]}`, `cell 1: unknown cell_type "heading"`},
		{"bad output", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": [1]}]}]}`, `cell 1 output 1 field "text"`},
		{"metadata a list", `{"nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": []}`, "notebook metadata: want an object, got a list"},
		{"execution count string", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [], "execution_count": "1"}]}`, `cell 1 field "execution_count": want an integer or null`},
		{"bad id", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"id": "a b", "cell_type": "raw", "source": "", "metadata": {}}]}`, `invalid id "a b"`},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".gonb")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load accepted %q", tc.content)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") {
				t.Errorf("error does not start with the file name: %s", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error is %T, want *FormatError", err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.gonb")
	_, err := Load(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestWriteRejectsInvalidNotebooks(t *testing.T) {
	nb := New()
	nb.Cells = []*Cell{{ID: "same", Type: CodeCell}, {ID: "same", Type: CodeCell}}
	if err := nb.Write(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `duplicate id "same"`) {
		t.Errorf("duplicate ids: %v", err)
	}
	nb.Cells = []*Cell{{Type: "python"}}
	if err := nb.Write(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unknown cell type "python"`) {
		t.Errorf("bad cell type: %v", err)
	}
	nb.Cells = []*Cell{{Type: CodeCell, Outputs: []Output{{Type: "stdout"}}}}
	if err := nb.Write(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unknown output type "stdout"`) {
		t.Errorf("bad output type: %v", err)
	}
}

func TestSaveKeepsPermissionsAndLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.gonb")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, sample()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600 kept", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after save, want only the notebook", len(entries))
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if err := Save(filepath.Join(dir, "missing-dir", "x.gonb"), New()); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func TestSaveThroughSymlinkKeepsLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.gonb")
	link := filepath.Join(dir, "link.gonb")
	if err := Save(target, New()); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.gonb", link); err != nil {
		t.Fatalf("create the symlink under test: %v", err)
	}
	nb := New()
	nb.Cells = []*Cell{NewCell(MarkdownCell, "via link")}
	if err := Save(link, nb); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced by a file: %v %v", fi.Mode(), err)
	}
	got, err := Load(target)
	if err != nil || len(got.Cells) != 1 || got.Cells[0].Source != "via link" {
		t.Fatalf("target not updated: %v %+v", err, got)
	}
}
