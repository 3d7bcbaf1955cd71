package display

import (
	"fmt"
	"reflect"
	"strconv"
	"time"

	"gopad.dev/gopad/internal/table"
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

func (t *TableValue) shownRows() int {
	limit := t.MaxRows
	if limit <= 0 {
		limit = min(DefaultMaxRows, max(20, DefaultMaxCells/max(1, len(t.Columns))))
	}
	return min(limit, len(t.Rows))
}

// model returns the rows shown in HTML and JSON as the shared table model.
func (t *TableValue) model() *table.Table {
	shown := t.shownRows()
	m := &table.Table{Columns: t.Columns, Rows: make([][]table.Cell, shown), Total: max(t.totalRows, len(t.Rows))}
	for i, row := range t.Rows[:shown] {
		cells := make([]table.Cell, len(row))
		for j, v := range row {
			cells[j] = cell(v)
		}
		m.Rows[i] = cells
	}
	return m
}

// String returns the table's text form.
func (t *TableValue) String() string {
	if t == nil {
		return "<nil table>"
	}
	return t.model().Text(TextMaxRows)
}

// RenderMIME renders the table as HTML, table JSON and text.
func (t *TableValue) RenderMIME() Bundle {
	if t == nil {
		return Bundle{MIMEText: "<nil table>"}
	}
	m := t.model()
	return Bundle{
		MIMEHTML:  m.HTML(),
		MIMETable: m.JSON(),
		MIMEText:  m.Text(TextMaxRows),
	}
}

// cell formats one table cell: numbers right-aligned (floats with 6
// significant digits), nil as empty, other values as their text.
func cell(v any) table.Cell {
	switch x := v.(type) {
	case nil:
		return table.Cell{}
	case string:
		return table.TextCell(x)
	case bool:
		return table.Cell{Text: strconv.FormatBool(x), JSON: x}
	case float64:
		return table.NumberCell(x)
	case float32:
		// Through the shortest decimal form, so that 0.1 stays 0.1.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(x), 'g', -1, 32), 64)
		return table.NumberCell(f)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return table.Cell{Text: fmt.Sprint(x), Number: true, JSON: x}
	case time.Time:
		return table.TextCell(x.Format(time.RFC3339))
	case time.Duration:
		return table.TextCell(x.String())
	}
	return table.TextCell(formatValue(v))
}
