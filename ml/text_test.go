package ml

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTokenizers(t *testing.T) {
	chars := CharTokenizer().Tokenize("häus")
	if strings.Join(chars, "|") != "h|ä|u|s" {
		t.Errorf("char tokens %q", chars)
	}
	words := WordTokenizer().Tokenize("  Don't panic, it's 42!")
	if strings.Join(words, "|") != "don't|panic|,|it's|42|!" {
		t.Errorf("word tokens %q", words)
	}
	if got := (Tokenizer{Kind: TokenizeWords}).Tokenize("Keep Case"); strings.Join(got, "|") != "Keep|Case" {
		t.Errorf("case-keeping word tokens %q", got)
	}
}

func TestVocabularyRoundTrip(t *testing.T) {
	texts := []string{"the cat sat", "the dog sat", "a cat"}
	v := BuildVocabulary(texts, WordTokenizer(), VocabOptions{})
	want := []string{PadToken, UnknownToken, "a", "cat", "dog", "sat", "the"}
	if strings.Join(v.Tokens, ",") != strings.Join(want, ",") {
		t.Fatalf("tokens %q, want %q", v.Tokens, want)
	}
	ids := v.Encode("The cat sat on the mat")
	if !equalInts(ids, []int{6, 3, 5, 1, 6, 1}) {
		t.Fatalf("Encode = %v, want [6 3 5 1 6 1]", ids)
	}
	if got := v.Decode(v.Encode("the dog sat")); got != "the dog sat" {
		t.Errorf("word round trip = %q", got)
	}
	if got := v.Decode([]int{0, 0, 3}); got != "cat" {
		t.Errorf("Decode skips padding: %q", got)
	}

	// MinFreq and MaxSize.
	frequent := BuildVocabulary(texts, WordTokenizer(), VocabOptions{MinFreq: 2})
	if strings.Join(frequent.Tokens[2:], ",") != "cat,sat,the" {
		t.Errorf("MinFreq 2 kept %q", frequent.Tokens[2:])
	}
	capped := BuildVocabulary(texts, WordTokenizer(), VocabOptions{MaxSize: 1})
	if strings.Join(capped.Tokens[2:], ",") != "cat" { // cat, sat, the tie at 2: lexical order breaks it
		t.Errorf("MaxSize 1 kept %q", capped.Tokens[2:])
	}

	// JSON round trip keeps tokenizer and ids.
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back Vocabulary
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !equalInts(back.Encode("The cat sat on the mat"), ids) {
		t.Errorf("decoded vocabulary encodes differently: %v", back.Encode("The cat sat on the mat"))
	}
	for _, bad := range []string{`{"tokenizer":{"kind":"bpe"},"tokens":["<pad>"],"unknown":-1}`,
		`{"tokenizer":{"kind":"char"},"tokens":[],"unknown":-1}`,
		`{"tokenizer":{"kind":"char"},"tokens":["<pad>"],"unknown":5}`} {
		var bv Vocabulary
		if err := json.Unmarshal([]byte(bad), &bv); err == nil || !strings.Contains(err.Error(), "parse vocabulary") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

func TestPadding(t *testing.T) {
	ids := []int{1, 2, 3, 4, 5}
	cases := []struct {
		opts SeqOptions
		want []int
	}{
		{SeqOptions{MaxLen: 7}, []int{0, 0, 1, 2, 3, 4, 5}},
		{SeqOptions{MaxLen: 7, Pad: Right}, []int{1, 2, 3, 4, 5, 0, 0}},
		{SeqOptions{MaxLen: 3}, []int{3, 4, 5}},
		{SeqOptions{MaxLen: 3, Truncate: Right}, []int{1, 2, 3}},
		{SeqOptions{MaxLen: 5}, []int{1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		if got := PadSequence(ids, c.opts); !equalInts(got, c.want) {
			t.Errorf("PadSequence(%+v) = %v, want %v", c.opts, got, c.want)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"middle"`) {
			t.Fatalf("bad side panic %v", r)
		}
	}()
	PadSequence(ids, SeqOptions{MaxLen: 3, Pad: "middle"})
}

func TestTextDatasetMatchesReferenceEncoding(t *testing.T) {
	// The PyTorch reference: sorted characters get ids 1..n, 0 pads on the left to 16.
	texts := []string{"bca", "ab"}
	v := BuildVocabulary(texts, CharTokenizer(), VocabOptions{NoUnknown: true})
	d := TextDataset(texts, []int{1, 0}, []string{"en", "de"}, v, SeqOptions{MaxLen: 4})
	if s := d.X.Shape(); s[0] != 2 || s[1] != 4 {
		t.Fatalf("X shape %v", s)
	}
	want := []float32{0, 2, 3, 1, 0, 0, 1, 2}
	for i, w := range want {
		if d.X.Data()[i] != w {
			t.Fatalf("X = %v, want %v", d.X.Data(), want)
		}
	}
	if !equalInts(d.Labels(), []int{1, 0}) || v.Size() != 4 {
		t.Errorf("labels %v, vocabulary size %d", d.Labels(), v.Size())
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `token "z"`) {
			t.Fatalf("unknown token without <unk>: panic %v", r)
		}
	}()
	v.Encode("z")
}

func TestLangIDFromSharedData(t *testing.T) {
	path := sharedDataFile(t, "langid_train.csv")
	s, err := ReadTextCSV(path, CSVOptions{Header: true, Label: "label"})
	if err != nil {
		t.Fatalf("ReadTextCSV(%s): %v", path, err)
	}
	v := BuildVocabulary(s.Texts, CharTokenizer(), VocabOptions{})
	d := s.Dataset(v, SeqOptions{MaxLen: 16})
	if d.Len() != 14400 || d.Features() != 16 || d.Classes() != 6 {
		t.Fatalf("langid: %v", d)
	}
	// Every word fits in 16 characters, so decoding gives the words back.
	for i := 0; i < 50; i++ {
		ids := make([]int, 16)
		for j := range ids {
			ids[j] = int(d.X.Data()[i*16+j])
		}
		if got := v.Decode(ids); got != s.Texts[i] {
			t.Fatalf("row %d decodes to %q, want %q", i, got, s.Texts[i])
		}
	}
}
