package table

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func sample() *Table {
	return &Table{
		Columns: []string{"name", "score", "ok"},
		Rows: [][]Cell{
			{TextCell("alice"), NumberCell(0.912345678), {Text: "true", JSON: true}},
			{TextCell("bob <b>"), NumberCell(12), {Text: "false", JSON: false}},
			{TextCell("carol\nline two"), NumberCell(math.NaN())}, // short row
			{TextCell("dave"), NumberCell(1234567), {}, TextCell("extra")},
		},
		Total: 10,
	}
}

func TestText(t *testing.T) {
	want := "" +
		"name                score  ok\n" +
		"---------------  --------  -----  -----\n" +
		"alice            0.912346  true\n" +
		"bob <b>                12  false\n" +
		`carol\nline two       NaN` + "\n" +
		"dave              1234567         extra\n" +
		"(showing the first 4 of 10 rows)"
	if got := sample().Text(0); got != want {
		t.Errorf("Text =\n%s\nwant\n%s", got, want)
	}
	if got := sample().Text(1); !strings.HasSuffix(got, "alice  0.912346  true\n(showing the first 1 of 10 rows)") {
		t.Errorf("Text(1) =\n%s", got)
	}
}

func TestHTMLEscapesAndAligns(t *testing.T) {
	h := sample().HTML()
	for _, want := range []string{
		"<th>name</th><th>score</th><th>ok</th><th></th>",
		"<td>bob &lt;b&gt;</td>",
		`<td style="text-align:right">0.912346</td>`,
		"<p><em>showing the first 4 of 10 rows</em></p>",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<b>") {
		t.Errorf("HTML holds a cell's markup unescaped:\n%s", h)
	}
}

// TestJSONRoundTrip checks that a table read back from its JSON form, as the
// HTML export and the terminal printer read it, prints as the original does.
func TestJSONRoundTrip(t *testing.T) {
	raw, err := json.Marshal(sample().JSON())
	if err != nil {
		t.Fatal(err)
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(decoded)
	if err != nil {
		t.Fatalf("FromJSON(%s): %v", raw, err)
	}
	if got, want := back.Text(0), sample().Text(0); got != want {
		t.Errorf("text after the round trip =\n%s\nwant\n%s", got, want)
	}
	if got, want := back.HTML(), sample().HTML(); got != want {
		t.Errorf("HTML after the round trip =\n%s\nwant\n%s", got, want)
	}
}

func TestFromJSONRejectsWhatIsNotATable(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"a string", "is a string"},
		{map[string]any{"columns": []any{"a"}}, "no list of rows"},
		{map[string]any{"columns": "a", "rows": []any{}}, "columns is a string"},
		{map[string]any{"rows": []any{"x"}}, "row 1 is a string"},
	} {
		if _, err := FromJSON(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("FromJSON(%v) = %v, want an error saying %q", tc.in, err, tc.want)
		}
	}
}
