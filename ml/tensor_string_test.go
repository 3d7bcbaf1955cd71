package ml

import (
	"strings"
	"testing"
)

func TestTensorString(t *testing.T) {
	cases := []struct {
		name string
		t    *Tensor
		want string
	}{
		{"scalar", Scalar(3.5), "Tensor[] 3.5"},
		{"empty", New(0, 3), "Tensor[0 3] []"},
		{"vector", FromSlice([]float32{1, 2.5, -3}, 3), "Tensor[3] [  1 2.5  -3]"},
		{"four digits", FromSlice([]float32{1.0 / 3, 12345}, 2), "Tensor[2] [   0.3333 1.234e+04]"},
		{"matrix", FromSlice([]float32{1, 5, 3, 4, 20, 6}, 2, 3),
			"Tensor[2 3] [[ 1  5  3]\n" +
				"             [ 4 20  6]]"},
		{"3-D", Arange(0, 8, 1).Reshape(2, 2, 2),
			"Tensor[2 2 2] [[[0 1]\n" +
				"                [2 3]]\n" +
				"\n" +
				"               [[4 5]\n" +
				"                [6 7]]]"},
		// 1000 elements are shown in full; more are summarised.
		{"long vector", Arange(0, 2000, 1), "Tensor[2000] [   0    1    2 ... 1997 1998 1999]"},
		{"large matrix", Arange(0, 1100, 1).Reshape(100, 11),
			"Tensor[100 11] [[   0    1    2 ...    8    9   10]\n" +
				"                [  11   12   13 ...   19   20   21]\n" +
				"                [  22   23   24 ...   30   31   32]\n" +
				"                ...\n" +
				"                [1067 1068 1069 ... 1075 1076 1077]\n" +
				"                [1078 1079 1080 ... 1086 1087 1088]\n" +
				"                [1089 1090 1091 ... 1097 1098 1099]]"},
		{"large short rows", Ones(501, 2), ""},
	}
	for _, c := range cases {
		got := c.t.String()
		if c.name == "large short rows" {
			// Short dimensions are never elided, long ones are.
			if lines := strings.Count(got, "\n"); lines != 6 || strings.Count(got, "[1 1]") != 6 {
				t.Errorf("%s: got\n%s\nwant 6 rows of [1 1] and a ... line", c.name, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
	if full := Arange(0, 1000, 1).String(); strings.Contains(full, "...") || !strings.Contains(full, " 500 ") {
		t.Errorf("a 1000-element tensor should print in full, got %.80s...", full)
	}
}
