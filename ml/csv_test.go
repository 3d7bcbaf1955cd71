package ml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const flowersCSV = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
`

func TestReadCSVStringLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flowers.csv")
	if err := os.WriteFile(path, []byte(flowersCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := ReadCSV(path, CSVOptions{Header: true, Label: "species"})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.X.Shape(); got[0] != 4 || got[1] != 2 {
		t.Fatalf("X shape %v, want [4 2]", got)
	}
	if x := d.X.Data(); x[2] != 7.0 || x[3] != 3.2 {
		t.Errorf("row 1 = %v, want [7 3.2]", x[2:4])
	}
	if !equalInts(d.Labels(), []int{0, 1, 2, 0}) {
		t.Errorf("labels %v, want [0 1 2 0]", d.Labels())
	}
	if strings.Join(d.ClassNames, ",") != "setosa,versicolor,virginica" {
		t.Errorf("class names %v", d.ClassNames)
	}
	if strings.Join(d.FeatureNames, ",") != "sepal_length,sepal_width" {
		t.Errorf("feature names %v", d.FeatureNames)
	}

	// A test file with a missing class keeps the training encoding.
	test := "sepal_length,sepal_width,species\n6.0,2.9,virginica\n"
	td, err := ReadCSVFrom(strings.NewReader(test), "test.csv", CSVOptions{Header: true, Label: "species", ClassNames: d.ClassNames})
	if err != nil {
		t.Fatal(err)
	}
	if td.Labels()[0] != 2 {
		t.Errorf("virginica encoded as %d with the training names, want 2", td.Labels()[0])
	}
}

func TestReadCSVColumnsIntegerLabelsNoHeader(t *testing.T) {
	src := "1;2;3;9\n4;5;6;0\n"
	d, err := ReadCSVFrom(strings.NewReader(src), "semi.csv", CSVOptions{Delimiter: ';', Label: "3", Columns: []string{"2", "0"}})
	if err != nil {
		t.Fatal(err)
	}
	if x := d.X.Data(); len(x) != 4 || x[0] != 3 || x[1] != 1 || x[2] != 6 || x[3] != 4 {
		t.Errorf("selected columns = %v, want [3 1 6 4]", x)
	}
	if !equalInts(d.Labels(), []int{9, 0}) || d.ClassNames != nil {
		t.Errorf("integer labels %v names %v, want [9 0] and no names", d.Labels(), d.ClassNames)
	}
	reg, err := ReadCSVFrom(strings.NewReader("x,y\n1,0.5\n2,1.5\n"), "reg.csv", CSVOptions{Header: true, Label: "y", Regression: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := reg.Y.Shape(); len(s) != 2 || s[1] != 1 || reg.Y.Data()[1] != 1.5 {
		t.Errorf("regression Y %v %v", s, reg.Y.Data())
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct {
		name, src string
		opts      CSVOptions
		want      string
	}{
		{"bad number", "a,b,label\n1,2,0\n3,x7,1\n", CSVOptions{Header: true, Label: "label"},
			`ml: read CSV data.csv: line 3, column 2 ("b"): cannot parse "x7" as a number`},
		{"bad number no header", "1,2\n3,oops\n", CSVOptions{},
			`ml: read CSV data.csv: line 2, column 2: cannot parse "oops" as a number`},
		{"missing label column", "a,b\n1,2\n", CSVOptions{Header: true, Label: "class"},
			`ml: read CSV data.csv: label: no column "class" (columns: a, b)`},
		{"ragged row", "a,b\n1,2\n3\n", CSVOptions{Header: true},
			`ml: read CSV data.csv: line 3: 1 fields, want 2 like the first row`},
		{"unknown class", "a,label\n1,cat\n2,emu\n", CSVOptions{Header: true, Label: "label", ClassNames: []string{"cat", "dog"}},
			`ml: read CSV data.csv: line 3, column 2 ("label"): label "emu" is not one of the classes cat, dog`},
		{"bad quote", "a,b\n1,\"2\n", CSVOptions{Header: true},
			`ml: read CSV data.csv: line 2, column`},
		{"empty", "a,b\n", CSVOptions{Header: true}, `ml: read CSV data.csv: no data rows`},
		{"label is feature", "a,b\n1,2\n", CSVOptions{Header: true, Label: "b", Columns: []string{"b"}},
			`column "b" is both the label and a feature`},
		{"bad target", "a,b\n1,z\n", CSVOptions{Header: true, Label: "b", Regression: true},
			`line 2, column 2 ("b"): cannot parse target "z" as a number`},
	}
	for _, c := range cases {
		_, err := ReadCSVFrom(strings.NewReader(c.src), "data.csv", c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := ReadCSV(filepath.Join(t.TempDir(), "nope.csv"), CSVOptions{}); err == nil || !strings.Contains(err.Error(), "nope.csv") {
		t.Errorf("missing file error %v should name the file", err)
	}
}

func TestReadTextCSV(t *testing.T) {
	src := "word,label\nhouse,0\nhaus,1\n\"mai,son\",2\n"
	s, err := ReadTextCSVFrom(strings.NewReader(src), "langid.csv", CSVOptions{Header: true, Label: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.Texts[2] != "mai,son" || !equalInts(s.Labels, []int{0, 1, 2}) {
		t.Fatalf("text samples %+v", s)
	}
	_, err = ReadTextCSVFrom(strings.NewReader("a,b,label\nx,y,0\n"), "two.csv", CSVOptions{Header: true, Label: "label"})
	if err == nil || !strings.Contains(err.Error(), "want exactly one text column, have 2 (a, b)") {
		t.Errorf("two text columns: error %v", err)
	}
}

func TestReadSharedDigitsCSV(t *testing.T) {
	d, err := ReadCSV(sharedDataFile(t, "digits_train.csv"), CSVOptions{Header: true, Label: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 1347 || d.Features() != 64 || d.Classes() != 10 {
		t.Fatalf("digits_train: %v", d)
	}
}
