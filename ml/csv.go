package ml

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// CSVOptions says how ReadCSV turns a CSV file into a Dataset.
//
// Columns are named by the header row when Header is set; without a header (and
// also with one, when no header cell matches) a column can be named by its 0-based
// position written as a number, e.g. "4".
type CSVOptions struct {
	Header bool // the first row names the columns

	// Label names the target column. Empty means the file has no targets (Y is nil).
	Label string

	// Columns selects the feature columns, in this order. Empty means every column
	// except the label.
	Columns []string

	// Delimiter separates fields; zero means ','.
	Delimiter rune

	// Regression reads the label as a number and stores Y with shape [n, 1].
	// Otherwise the label is a class: labels that are all non-negative integers are
	// used as class indices directly; other labels are encoded in sorted order and
	// their names kept in Dataset.ClassNames.
	Regression bool

	// ClassNames fixes the label encoding: label i is ClassNames[i]. Use it to load a
	// test file with the encoding of its training file (train.ClassNames). A label
	// that is not among the names is an error (unless it is an integer index in range).
	ClassNames []string
}

// ReadCSV reads a CSV file of numeric features and an optional label column into a
// Dataset with X of shape [rows, features]. Errors name the file, line and column
// of the offending value.
func ReadCSV(path string, opts CSVOptions) (Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return Dataset{}, fmt.Errorf("ml: read CSV: %w", err)
	}
	defer f.Close()
	return ReadCSVFrom(f, path, opts)
}

// ReadCSVFrom is ReadCSV on a reader; name identifies the source in errors.
func ReadCSVFrom(r io.Reader, name string, opts CSVOptions) (Dataset, error) {
	table, err := readCSVTable(r, name, opts)
	if err != nil {
		return Dataset{}, err
	}
	featureCols, err := table.featureColumns(opts.Columns, table.label)
	if err != nil {
		return Dataset{}, err
	}
	n, w := len(table.records), len(featureCols)
	x := make([]float32, n*w)
	for i, rec := range table.records {
		for j, col := range featureCols {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[col]), 32)
			if err != nil {
				return Dataset{}, table.valueError(i, col, fmt.Sprintf("cannot parse %q as a number", rec[col]))
			}
			x[i*w+j] = float32(v)
		}
	}
	d := Dataset{X: FromSlice(x, n, w)}
	for _, col := range featureCols {
		d.FeatureNames = append(d.FeatureNames, table.names[col])
	}
	if table.label < 0 {
		return d, nil
	}
	if opts.Regression {
		y := make([]float32, n)
		for i, rec := range table.records {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[table.label]), 32)
			if err != nil {
				return Dataset{}, table.valueError(i, table.label, fmt.Sprintf("cannot parse target %q as a number", rec[table.label]))
			}
			y[i] = float32(v)
		}
		d.Y = FromSlice(y, n, 1)
		return d, nil
	}
	labels, classNames, err := table.encodeLabels(opts.ClassNames)
	if err != nil {
		return Dataset{}, err
	}
	y := make([]float32, n)
	for i, c := range labels {
		y[i] = float32(c)
	}
	d.Y = FromSlice(y, n)
	d.ClassNames = classNames
	return d, nil
}

// TextSamples are texts with class labels, as read by ReadTextCSV.
type TextSamples struct {
	Texts      []string
	Labels     []int
	ClassNames []string // nil when the labels were integer class indices
}

// Len returns the number of samples.
func (s TextSamples) Len() int { return len(s.Texts) }

// ReadTextCSV reads a CSV file with a text column and a label column, such as
// "word,label". The text column is opts.Columns[0], or the only column that is not
// the label. Labels are encoded as ReadCSV does for classification.
func ReadTextCSV(path string, opts CSVOptions) (TextSamples, error) {
	f, err := os.Open(path)
	if err != nil {
		return TextSamples{}, fmt.Errorf("ml: read CSV: %w", err)
	}
	defer f.Close()
	return ReadTextCSVFrom(f, path, opts)
}

// ReadTextCSVFrom is ReadTextCSV on a reader; name identifies the source in errors.
func ReadTextCSVFrom(r io.Reader, name string, opts CSVOptions) (TextSamples, error) {
	if opts.Regression {
		return TextSamples{}, fmt.Errorf("ml: read CSV %s: text samples need class labels, not Regression", name)
	}
	table, err := readCSVTable(r, name, opts)
	if err != nil {
		return TextSamples{}, err
	}
	cols, err := table.featureColumns(opts.Columns, table.label)
	if err != nil {
		return TextSamples{}, err
	}
	if len(cols) != 1 {
		return TextSamples{}, fmt.Errorf("ml: read CSV %s: want exactly one text column, have %d (%s); choose one with Columns",
			name, len(cols), strings.Join(table.columnNames(cols), ", "))
	}
	var s TextSamples
	for _, rec := range table.records {
		s.Texts = append(s.Texts, rec[cols[0]])
	}
	if table.label >= 0 {
		s.Labels, s.ClassNames, err = table.encodeLabels(opts.ClassNames)
		if err != nil {
			return TextSamples{}, err
		}
	}
	return s, nil
}

// csvTable is a parsed CSV file with enough bookkeeping to report positions.
type csvTable struct {
	name    string
	names   []string   // column names (header cells or positions)
	records [][]string // data rows
	lines   []int      // 1-based line of each data row
	label   int        // label column, -1 if none
	hasHead bool
}

func readCSVTable(r io.Reader, name string, opts CSVOptions) (*csvTable, error) {
	cr := csv.NewReader(r)
	if opts.Delimiter != 0 {
		cr.Comma = opts.Delimiter
	}
	cr.ReuseRecord = false
	t := &csvTable{name: name, label: -1, hasHead: opts.Header}
	width := -1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					return nil, fmt.Errorf("ml: read CSV %s: line %d: %d fields, want %d like the first row", name, pe.StartLine, len(rec), width)
				}
				return nil, fmt.Errorf("ml: read CSV %s: line %d, column %d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("ml: read CSV %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if width < 0 {
			width = len(rec)
			if opts.Header {
				t.names = append([]string(nil), rec...)
				for i := range t.names {
					t.names[i] = strings.TrimSpace(t.names[i])
				}
				continue
			}
			for i := range rec {
				t.names = append(t.names, strconv.Itoa(i))
			}
		}
		t.records = append(t.records, rec)
		t.lines = append(t.lines, line)
	}
	if len(t.records) == 0 {
		return nil, fmt.Errorf("ml: read CSV %s: no data rows", name)
	}
	if opts.Label != "" {
		col, err := t.column(opts.Label)
		if err != nil {
			return nil, fmt.Errorf("ml: read CSV %s: label: %w", name, err)
		}
		t.label = col
	}
	return t, nil
}

// column finds a column by header name, or by 0-based position.
func (t *csvTable) column(ref string) (int, error) {
	if t.hasHead {
		for i, n := range t.names {
			if n == ref {
				return i, nil
			}
		}
	}
	if i, err := strconv.Atoi(ref); err == nil {
		if i < 0 || i >= len(t.names) {
			return 0, fmt.Errorf("column %d out of range (the file has %d columns)", i, len(t.names))
		}
		return i, nil
	}
	if !t.hasHead {
		return 0, fmt.Errorf("no column %q: without a header, name columns by position (0..%d)", ref, len(t.names)-1)
	}
	return 0, fmt.Errorf("no column %q (columns: %s)", ref, summariseNames(t.names))
}

func (t *csvTable) featureColumns(selected []string, label int) ([]int, error) {
	var cols []int
	if len(selected) == 0 {
		for i := range t.names {
			if i != label {
				cols = append(cols, i)
			}
		}
		return cols, nil
	}
	for _, ref := range selected {
		col, err := t.column(ref)
		if err != nil {
			return nil, fmt.Errorf("ml: read CSV %s: %w", t.name, err)
		}
		if col == label {
			return nil, fmt.Errorf("ml: read CSV %s: column %q is both the label and a feature", t.name, ref)
		}
		cols = append(cols, col)
	}
	return cols, nil
}

func (t *csvTable) columnNames(cols []int) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = t.names[c]
	}
	return out
}

func (t *csvTable) valueError(row, col int, msg string) error {
	colDesc := fmt.Sprintf("column %d", col+1)
	if t.hasHead {
		colDesc = fmt.Sprintf("column %d (%q)", col+1, t.names[col])
	}
	return fmt.Errorf("ml: read CSV %s: line %d, %s: %s", t.name, t.lines[row], colDesc, msg)
}

// encodeLabels turns the label column into class indices: by the given names, as
// integers when every label is one, or by sorted unique label strings.
func (t *csvTable) encodeLabels(classNames []string) ([]int, []string, error) {
	labels := make([]int, len(t.records))
	raw := make([]string, len(t.records))
	for i, rec := range t.records {
		raw[i] = strings.TrimSpace(rec[t.label])
	}
	if len(classNames) > 0 {
		index := make(map[string]int, len(classNames))
		for i, n := range classNames {
			index[n] = i
		}
		for i, s := range raw {
			c, ok := index[s]
			if !ok {
				k, err := strconv.Atoi(s)
				if err != nil || k < 0 || k >= len(classNames) {
					return nil, nil, t.valueError(i, t.label, fmt.Sprintf("label %q is not one of the classes %s", s, summariseNames(classNames)))
				}
				c = k
			}
			labels[i] = c
		}
		return labels, append([]string(nil), classNames...), nil
	}
	allInts := true
	for i, s := range raw {
		k, err := strconv.Atoi(s)
		if err != nil || k < 0 {
			allInts = false
			break
		}
		labels[i] = k
	}
	if allInts {
		return labels, nil, nil
	}
	seen := map[string]bool{}
	var names []string
	for i, s := range raw {
		if s == "" {
			return nil, nil, t.valueError(i, t.label, "empty label")
		}
		if !seen[s] {
			seen[s] = true
			names = append(names, s)
		}
	}
	sort.Strings(names)
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	for i, s := range raw {
		labels[i] = index[s]
	}
	return labels, names, nil
}

func summariseNames(names []string) string {
	if len(names) > 12 {
		return strings.Join(names[:12], ", ") + fmt.Sprintf(", ... (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}
