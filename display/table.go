package display

import (
	"fmt"
	"html"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Rows shown by default: tables are meant to be looked at, not to carry data sets.
const (
	// DefaultMaxRows is how many rows a table shows in HTML and in its JSON form
	// when TableValue.MaxRows is 0; wide tables show fewer, to stay within
	// DefaultMaxCells cells (but at least 20 rows).
	DefaultMaxRows = 200
	// DefaultMaxCells bounds the cells a table shows when TableValue.MaxRows is 0.
	DefaultMaxCells = 10000
	// TextMaxRows is how many rows the text/plain form of a table shows.
	TextMaxRows = 40
)

// TableValue is a table of values with named columns. It renders as text/html,
// as application/vnd.gopad.table+json and as aligned text/plain. Large tables
// show their first MaxRows rows and say how many there are in all.
type TableValue struct {
	Columns []string
	Rows    [][]any
	// MaxRows limits the rows shown in HTML and JSON; 0 means DefaultMaxRows.
	MaxRows int

	// totalRows, when larger than len(Rows), counts rows that were never
	// converted (see TableOf); the note then gives the real total.
	totalRows int
}

// Table returns a table with the given columns and rows. Each row holds one value
// per column; short rows are padded with empty cells, and a row longer than the
// columns adds unnamed columns.
func Table(columns []string, rows [][]any) *TableValue {
	return &TableValue{Columns: columns, Rows: rows}
}

// TableOf returns a table of a slice or array of structs (or pointers to
// structs): one row per element, one column per exported field. It returns nil
// for any other value.
func TableOf(rows any) *TableValue {
	return tableFromSlice(rows, -1)
}

// tableFromSlice builds a table from a slice of structs, converting at most limit
// rows (all when limit < 0). It returns nil if v is not such a slice.
func tableFromSlice(v any, limit int) *TableValue {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
		return nil
	}
	elem := rv.Type().Elem()
	ptr := elem.Kind() == reflect.Pointer
	if ptr {
		elem = elem.Elem()
	}
	if elem.Kind() != reflect.Struct {
		return nil
	}
	var fields []int
	var columns []string
	for i := 0; i < elem.NumField(); i++ {
		if f := elem.Field(i); f.IsExported() {
			fields = append(fields, i)
			columns = append(columns, f.Name)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	n := rv.Len()
	if limit >= 0 && n > limit {
		n = limit
	}
	rows := make([][]any, 0, n)
	for i := 0; i < n; i++ {
		e := rv.Index(i)
		row := make([]any, len(fields))
		if ptr {
			if e.IsNil() {
				rows = append(rows, row)
				continue
			}
			e = e.Elem()
		}
		for j, f := range fields {
			row[j] = e.Field(f).Interface()
		}
		rows = append(rows, row)
	}
	return &TableValue{Columns: columns, Rows: rows, totalRows: rv.Len()}
}

// total is the number of rows the table stands for.
func (t *TableValue) total() int {
	return max(t.totalRows, len(t.Rows))
}

func (t *TableValue) shownRows() int {
	limit := t.MaxRows
	if limit <= 0 {
		limit = min(DefaultMaxRows, max(20, DefaultMaxCells/max(1, len(t.Columns))))
	}
	return min(limit, len(t.Rows))
}

// columns returns the column names, extended for rows longer than the header.
func (t *TableValue) columns() []string {
	cols := append([]string(nil), t.Columns...)
	shown := t.shownRows()
	for _, row := range t.Rows[:shown] {
		for len(cols) < len(row) {
			cols = append(cols, "")
		}
	}
	return cols
}

// String returns the table's text form.
func (t *TableValue) String() string {
	if t == nil {
		return "<nil table>"
	}
	return t.text()
}

// RenderMIME renders the table as HTML, table JSON and text.
func (t *TableValue) RenderMIME() Bundle {
	if t == nil {
		return Bundle{MIMEText: "<nil table>"}
	}
	return Bundle{
		MIMEHTML:  t.html(),
		MIMETable: t.json(),
		MIMEText:  t.text(),
	}
}

func (t *TableValue) note(shown int) string {
	if total := t.total(); shown < total {
		return fmt.Sprintf("showing the first %d of %d rows", shown, total)
	}
	return ""
}

func (t *TableValue) json() map[string]any {
	cols := t.columns()
	shown := t.shownRows()
	rows := make([]any, shown)
	for i, row := range t.Rows[:shown] {
		cells := make([]any, len(cols))
		for j := range cols {
			if j < len(row) {
				cells[j] = jsonCell(row[j])
			}
		}
		rows[i] = cells
	}
	colsAny := make([]any, len(cols))
	for i, c := range cols {
		colsAny[i] = c
	}
	return map[string]any{"columns": colsAny, "rows": rows, "total_rows": t.total()}
}

func (t *TableValue) html() string {
	cols := t.columns()
	shown := t.shownRows()
	var b strings.Builder
	b.WriteString(`<table class="gopad-table"><thead><tr>`)
	for _, c := range cols {
		b.WriteString("<th>")
		b.WriteString(html.EscapeString(c))
		b.WriteString("</th>")
	}
	b.WriteString("</tr></thead><tbody>\n")
	for _, row := range t.Rows[:shown] {
		b.WriteString("<tr>")
		for j := range cols {
			var v any
			if j < len(row) {
				v = row[j]
			}
			if isNumber(v) {
				b.WriteString(`<td style="text-align:right">`)
			} else {
				b.WriteString("<td>")
			}
			b.WriteString(html.EscapeString(cellText(v)))
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>")
	if note := t.note(shown); note != "" {
		fmt.Fprintf(&b, "\n<p><em>%s</em></p>", html.EscapeString(note))
	}
	return b.String()
}

func (t *TableValue) text() string {
	cols := t.columns()
	shown := min(TextMaxRows, len(t.Rows))
	cells := make([][]string, shown)
	numeric := make([]bool, len(cols))
	for j := range numeric {
		numeric[j] = shown > 0
	}
	widths := make([]int, len(cols))
	for j, c := range cols {
		widths[j] = utf8.RuneCountInString(c)
	}
	for i, row := range t.Rows[:shown] {
		cells[i] = make([]string, len(cols))
		for j := range cols {
			var v any
			if j < len(row) {
				v = row[j]
			}
			s := strings.ReplaceAll(cellText(v), "\n", `\n`)
			cells[i][j] = s
			widths[j] = max(widths[j], utf8.RuneCountInString(s))
			if v != nil && !isNumber(v) {
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
	writeRow(cols)
	rule := make([]string, len(cols))
	for j := range cols {
		rule[j] = strings.Repeat("-", widths[j])
	}
	writeRow(rule)
	for _, row := range cells {
		writeRow(row)
	}
	if note := t.note(shown); note != "" {
		b.WriteString("(" + note + ")\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return true
	}
	return false
}

// cellText formats one table cell for HTML and text: floats with 6 significant
// digits, nil as empty.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', 6, 32)
	case time.Time:
		return x.Format(time.RFC3339)
	case time.Duration:
		return x.String()
	}
	return formatValue(v)
}

// jsonCell converts a cell to a JSON value: numbers, strings, booleans and null
// as themselves, non-finite floats and everything else as text.
func jsonCell(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return cellText(x)
		}
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return cellText(x)
		}
		return x
	}
	return cellText(v)
}
