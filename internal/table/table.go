// Package table is gopad's one model of a table, with one printer per output
// format: aligned text (terminals and text/plain), HTML (notebook outputs and the
// HTML export) and the JSON form that travels under [MIMEType].
//
// Package display builds tables from Go values; the HTML export and the terminal
// printer read them back from the JSON form with [FromJSON], so a table looks the
// same wherever it is printed.
package table

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MIMEType is the MIME type of a table's JSON form:
// {"columns": [...], "rows": [[...], ...], "total_rows": n}.
const MIMEType = "application/vnd.gopad.table+json"

// Table is a table ready to print.
type Table struct {
	Columns []string
	// Rows are the rows to print, each with one cell per column (printers pad
	// short rows with empty cells).
	Rows [][]Cell
	// Total is the number of rows the table stands for; when it is larger than
	// the rows printed, the printer says how many it shows.
	Total int
}

// Cell is one formatted table cell.
type Cell struct {
	// Text is the cell as people read it.
	Text string
	// Number right-aligns the cell, and a column of numbers.
	Number bool
	// JSON is the cell's value in the JSON form: a number, string, boolean or
	// nil. When nil and Text is not empty, the JSON form holds Text.
	JSON any
}

// NumberCell returns the cell of a number: every digit of a whole number below
// 10^15, 6 significant digits otherwise.
func NumberCell(v float64) Cell {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		// JSON cannot hold them: the JSON form is the text.
		return Cell{Text: strconv.FormatFloat(v, 'g', -1, 64), Number: true}
	}
	return Cell{Text: formatNumber(v), Number: true, JSON: v}
}

func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// TextCell returns a cell holding s.
func TextCell(s string) Cell { return Cell{Text: s, JSON: s} }

func (c Cell) jsonValue() any {
	if c.JSON == nil && c.Text != "" {
		return c.Text
	}
	return c.JSON
}

// width returns the number of columns: the header, or the longest of the
// printed rows if it is longer.
func (t *Table) width(rows [][]Cell) int {
	n := len(t.Columns)
	for _, r := range rows {
		n = max(n, len(r))
	}
	return n
}

func (t *Table) column(j int) string {
	if j < len(t.Columns) {
		return t.Columns[j]
	}
	return ""
}

func cellAt(row []Cell, j int) Cell {
	if j < len(row) {
		return row[j]
	}
	return Cell{}
}

// note says how many of the rows are shown, or is empty when all are.
func (t *Table) note(shown int) string {
	if total := max(t.Total, len(t.Rows)); shown < total {
		return fmt.Sprintf("showing the first %d of %d rows", shown, total)
	}
	return ""
}

// JSON returns the table's JSON form, as a JSON value (maps and slices).
func (t *Table) JSON() map[string]any {
	cols := make([]any, t.width(t.Rows))
	for j := range cols {
		cols[j] = t.column(j)
	}
	rows := make([]any, len(t.Rows))
	for i, r := range t.Rows {
		cells := make([]any, len(cols))
		for j := range cells {
			cells[j] = cellAt(r, j).jsonValue()
		}
		rows[i] = cells
	}
	return map[string]any{"columns": cols, "rows": rows, "total_rows": max(t.Total, len(t.Rows))}
}

// HTML returns the table as an HTML fragment: every text escaped, numbers
// right-aligned, and a note when not every row is shown.
func (t *Table) HTML() string {
	cols := t.width(t.Rows)
	var b strings.Builder
	b.WriteString(`<table class="gopad-table"><thead><tr>`)
	for j := range cols {
		b.WriteString("<th>" + html.EscapeString(t.column(j)) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>\n")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for j := range cols {
			c := cellAt(row, j)
			if c.Number {
				b.WriteString(`<td style="text-align:right">`)
			} else {
				b.WriteString("<td>")
			}
			b.WriteString(html.EscapeString(c.Text) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>")
	if note := t.note(len(t.Rows)); note != "" {
		b.WriteString("\n<p><em>" + html.EscapeString(note) + "</em></p>")
	}
	return b.String()
}

// Text returns the table as aligned text: a header, a rule, at most maxRows
// rows (all when maxRows <= 0) and a note when not every row is shown. Columns
// are two spaces apart; a column whose cells are all numbers is right-aligned.
// Line breaks in cells print as \n, so that every row is one line.
func (t *Table) Text(maxRows int) string {
	shown := len(t.Rows)
	if maxRows > 0 {
		shown = min(shown, maxRows)
	}
	rows := t.Rows[:shown]
	cols := t.width(rows)
	widths := make([]int, cols)
	numeric := make([]bool, cols)
	for j := range cols {
		widths[j] = utf8.RuneCountInString(t.column(j))
		numeric[j] = shown > 0
	}
	cells := make([][]string, shown)
	for i, row := range rows {
		cells[i] = make([]string, cols)
		for j := range cols {
			c := cellAt(row, j)
			s := strings.ReplaceAll(c.Text, "\n", `\n`)
			cells[i][j] = s
			widths[j] = max(widths[j], utf8.RuneCountInString(s))
			if !c.Number && c.Text != "" {
				numeric[j] = false
			}
		}
	}
	var b strings.Builder
	writeRow := func(row []string) {
		var line strings.Builder
		for j, s := range row {
			if j > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s))
			if numeric[j] {
				line.WriteString(pad + s)
			} else {
				line.WriteString(s + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	header := make([]string, cols)
	rule := make([]string, cols)
	for j := range cols {
		header[j] = t.column(j)
		rule[j] = strings.Repeat("-", widths[j])
	}
	writeRow(header)
	writeRow(rule)
	for _, row := range cells {
		writeRow(row)
	}
	if note := t.note(shown); note != "" {
		b.WriteString("(" + note + ")\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// FromJSON reads a table's JSON form, as decoded by encoding/json into maps
// and slices (numbers as float64 or json.Number).
func FromJSON(v any) (*Table, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("table: the JSON form is a %T, want an object with columns and rows", v)
	}
	t := &Table{}
	cols, ok := m["columns"].([]any)
	if !ok && m["columns"] != nil {
		return nil, fmt.Errorf("table: columns is a %T, want a list of names", m["columns"])
	}
	for _, c := range cols {
		t.Columns = append(t.Columns, cellFromJSON(c).Text)
	}
	rows, ok := m["rows"].([]any)
	if !ok {
		return nil, errors.New("table: the JSON form has no list of rows")
	}
	for i, r := range rows {
		vals, ok := r.([]any)
		if !ok {
			return nil, fmt.Errorf("table: row %d is a %T, want a list of cells", i+1, r)
		}
		row := make([]Cell, len(vals))
		for j, v := range vals {
			row[j] = cellFromJSON(v)
		}
		t.Rows = append(t.Rows, row)
	}
	switch n := m["total_rows"].(type) {
	case float64:
		t.Total = int(n)
	case json.Number:
		if i, err := n.Int64(); err == nil {
			t.Total = int(i)
		}
	}
	return t, nil
}

func cellFromJSON(v any) Cell {
	switch x := v.(type) {
	case nil:
		return Cell{}
	case string:
		switch x {
		case "NaN", "+Inf", "-Inf": // numbers JSON cannot hold, written as text
			f, _ := strconv.ParseFloat(x, 64)
			return NumberCell(f)
		}
		return TextCell(x)
	case float64:
		return NumberCell(x)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return NumberCell(f)
		}
		return TextCell(x.String())
	case bool:
		return Cell{Text: strconv.FormatBool(x), JSON: x}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return TextCell(fmt.Sprint(v))
	}
	return TextCell(string(raw))
}
