package notebooks

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummarize(t *testing.T) {
	long := strings.Repeat("word ", 60) + "end."
	cases := []struct {
		name     string
		metadata map[string]any
		cells    []string // Markdown cells; "code:" prefix for a code cell
		want     Summary
	}{
		{"heading and first sentence", nil,
			[]string{"# Digits with an *MLP*\n\nTrain a `small_net` on the **digits**. Then save it."},
			Summary{"Digits with an MLP", "Train a small_net on the digits."}},
		{"metadata wins", map[string]any{"title": "Given title", "description": "Given [one-liner](http://x)."},
			[]string{"# Heading\n\nText."},
			Summary{"Given title", "Given one-liner."}},
		{"paragraph after a code cell and a list", nil,
			[]string{"code:x := 1", "# Title\n\n- a list\n- not prose\n\n```go\ncode()\n```\n\nThe prose, over\ntwo lines! More."},
			Summary{"Title", "The prose, over two lines!"}},
		{"only level-1 headings are titles", nil,
			[]string{"## Section\n\nIntro before any title.", "# Real title #\n\nFirst words"},
			Summary{"Real title", "First words"}},
		{"no Markdown", nil, []string{"code:fmt.Println(1)"}, Summary{}},
		{"snake_case and pointers stay", nil,
			[]string{"# T\n\nUse my_var_name and `*p` here."},
			Summary{"T", "Use my_var_name and *p here."}},
		{"long sentence clipped at a word", nil, []string{"# T\n\n" + long}, Summary{"T", clipWords(long, MaxDescription)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb := New()
			for k, v := range tc.metadata {
				nb.Metadata[k] = v
			}
			for _, src := range tc.cells {
				if code, ok := strings.CutPrefix(src, "code:"); ok {
					nb.Cells = append(nb.Cells, NewCell(CodeCell, code))
				} else {
					nb.Cells = append(nb.Cells, NewCell(MarkdownCell, src))
				}
			}
			if got := Summarize(nb); got != tc.want {
				t.Errorf("Summarize = %+v\nwant        %+v", got, tc.want)
			}
		})
	}
	clipped := clipWords(long, MaxDescription)
	if n := utf8.RuneCountInString(clipped); n > MaxDescription || !strings.HasSuffix(clipped, "word…") {
		t.Errorf("clipWords gave %d characters: %q", n, clipped)
	}
}

// TestExampleSummaries: every bundled example has a real title (not its file
// name) and a one-line description for the launcher's cards.
func TestExampleSummaries(t *testing.T) {
	names := ExampleNames()
	if len(names) == 0 {
		t.Fatal("no bundled examples")
	}
	for _, name := range names {
		nb, err := LoadExample(name)
		if err != nil {
			t.Fatal(err)
		}
		sum := Summarize(nb)
		if sum.Title == "" || strings.EqualFold(sum.Title, strings.TrimSuffix(name, ".gonb")) {
			t.Errorf("%s: title %q; want the notebook's own title", name, sum.Title)
		}
		if sum.Description == "" || strings.HasSuffix(sum.Description, "…") || utf8.RuneCountInString(sum.Description) > MaxDescription {
			t.Errorf("%s: description %q; want one whole sentence of at most %d characters", name, sum.Description, MaxDescription)
		}
	}
}
