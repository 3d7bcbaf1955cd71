package ml

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Tokenizer kinds.
const (
	TokenizeChars = "char" // every character (rune) is a token
	TokenizeWords = "word" // runs of letters, digits, '_' and '\'' are tokens; other non-space characters stand alone
)

// Tokenizer splits text into tokens. It is a plain value so that it can be saved
// as JSON with a model's preprocessing.
type Tokenizer struct {
	Kind  string `json:"kind"`            // TokenizeChars or TokenizeWords
	Lower bool   `json:"lower,omitempty"` // lower-case text before splitting
}

// CharTokenizer returns a tokenizer that yields each character as a token.
func CharTokenizer() Tokenizer { return Tokenizer{Kind: TokenizeChars} }

// WordTokenizer returns a tokenizer that yields lower-cased words and punctuation.
func WordTokenizer() Tokenizer { return Tokenizer{Kind: TokenizeWords, Lower: true} }

// Tokenize splits s into tokens. It panics on an unknown Kind.
func (t Tokenizer) Tokenize(s string) []string {
	if t.Lower {
		s = strings.ToLower(s)
	}
	switch t.Kind {
	case TokenizeChars:
		out := make([]string, 0, len(s))
		for _, r := range s {
			out = append(out, string(r))
		}
		return out
	case TokenizeWords:
		var out []string
		start := -1
		for i, r := range s {
			if isWordRune(r) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			if !unicode.IsSpace(r) {
				out = append(out, string(r))
			}
		}
		if start >= 0 {
			out = append(out, s[start:])
		}
		return out
	default:
		panic(fmt.Sprintf("ml: Tokenizer: unknown kind %q (want %q or %q)", t.Kind, TokenizeChars, TokenizeWords))
	}
}

// Join is the inverse of Tokenize as far as it can be: characters are
// concatenated, words are separated by spaces.
func (t Tokenizer) Join(tokens []string) string {
	if t.Kind == TokenizeChars {
		return strings.Join(tokens, "")
	}
	return strings.Join(tokens, " ")
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_' || r == '\''
}

// Default special tokens.
const (
	PadToken     = "<pad>"
	UnknownToken = "<unk>"
)

// VocabOptions controls BuildVocabulary.
type VocabOptions struct {
	// MinFreq drops tokens seen fewer times; 0 or 1 keeps every token.
	MinFreq int
	// MaxSize caps the number of tokens (not counting the special ones), keeping
	// the most frequent; 0 means no cap.
	MaxSize int
	// NoUnknown leaves out the unknown token: ids are then 0 for padding and 1..n
	// for the tokens, as in the PyTorch reference, and encoding an unseen token
	// panics.
	NoUnknown bool
}

// Vocabulary maps tokens to integer ids for an Embedding layer. Id 0 is always the
// padding token; Unknown is the id of the unknown token (1), or -1 when the
// vocabulary has none. Tokens after the special ones are in sorted order.
//
// A Vocabulary marshals to JSON (tokenizer included) so that a saved model can
// encode new text exactly as in training.
type Vocabulary struct {
	Tokenizer Tokenizer `json:"tokenizer"`
	Tokens    []string  `json:"tokens"`
	Unknown   int       `json:"unknown"`

	index map[string]int
}

// BuildVocabulary collects the tokens of texts under tok.
func BuildVocabulary(texts []string, tok Tokenizer, opts VocabOptions) *Vocabulary {
	counts := map[string]int{}
	for _, s := range texts {
		for _, token := range tok.Tokenize(s) {
			counts[token]++
		}
	}
	var kept []string
	for token, c := range counts {
		if c >= opts.MinFreq && token != PadToken && token != UnknownToken {
			kept = append(kept, token)
		}
	}
	if opts.MaxSize > 0 && len(kept) > opts.MaxSize {
		sort.Slice(kept, func(i, j int) bool {
			if counts[kept[i]] != counts[kept[j]] {
				return counts[kept[i]] > counts[kept[j]]
			}
			return kept[i] < kept[j]
		})
		kept = kept[:opts.MaxSize]
	}
	sort.Strings(kept)
	tokens := []string{PadToken}
	unknown := -1
	if !opts.NoUnknown {
		tokens = append(tokens, UnknownToken)
		unknown = 1
	}
	v := &Vocabulary{Tokenizer: tok, Tokens: append(tokens, kept...), Unknown: unknown}
	v.buildIndex()
	return v
}

func (v *Vocabulary) buildIndex() {
	v.index = make(map[string]int, len(v.Tokens))
	for i, t := range v.Tokens {
		if _, dup := v.index[t]; !dup {
			v.index[t] = i
		}
	}
}

// Size returns the number of ids, the first dimension an Embedding needs.
func (v *Vocabulary) Size() int { return len(v.Tokens) }

// ID returns the id of a token: the unknown id for unseen tokens, or -1 when the
// vocabulary has no unknown token.
func (v *Vocabulary) ID(token string) int {
	if v.index == nil {
		v.buildIndex()
	}
	if id, ok := v.index[token]; ok {
		return id
	}
	return v.Unknown
}

// EncodeTokens maps tokens to ids. It panics on an unseen token when the
// vocabulary has no unknown token.
func (v *Vocabulary) EncodeTokens(tokens []string) []int {
	ids := make([]int, len(tokens))
	for i, t := range tokens {
		id := v.ID(t)
		if id < 0 {
			panic(fmt.Sprintf("ml: Vocabulary: token %q is not in the vocabulary and it has no unknown token", t))
		}
		ids[i] = id
	}
	return ids
}

// Encode tokenizes text and maps the tokens to ids.
func (v *Vocabulary) Encode(text string) []int {
	return v.EncodeTokens(v.Tokenizer.Tokenize(text))
}

// DecodeTokens maps ids back to tokens, skipping padding. It panics on an id
// outside the vocabulary.
func (v *Vocabulary) DecodeTokens(ids []int) []string {
	var out []string
	for _, id := range ids {
		if id < 0 || id >= len(v.Tokens) {
			panic(fmt.Sprintf("ml: Vocabulary: id %d outside the vocabulary (size %d)", id, len(v.Tokens)))
		}
		if id == 0 {
			continue
		}
		out = append(out, v.Tokens[id])
	}
	return out
}

// Decode maps ids back to text, skipping padding.
func (v *Vocabulary) Decode(ids []int) string {
	return v.Tokenizer.Join(v.DecodeTokens(ids))
}

// String describes the vocabulary briefly.
func (v *Vocabulary) String() string {
	preview := v.Tokens
	suffix := ""
	if len(preview) > 12 {
		preview, suffix = preview[:12], " ..."
	}
	return fmt.Sprintf("Vocabulary(%s, %d tokens: %s%s)", v.Tokenizer.Kind, len(v.Tokens), strings.Join(quoteAll(preview), " "), suffix)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// UnmarshalJSON decodes and validates a vocabulary.
func (v *Vocabulary) UnmarshalJSON(data []byte) error {
	type plain Vocabulary // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("ml: parse vocabulary: %w", err)
	}
	if p.Tokenizer.Kind != TokenizeChars && p.Tokenizer.Kind != TokenizeWords {
		return fmt.Errorf("ml: parse vocabulary: unknown tokenizer kind %q", p.Tokenizer.Kind)
	}
	if len(p.Tokens) == 0 {
		return fmt.Errorf("ml: parse vocabulary: no tokens (id 0 must be the padding token)")
	}
	if p.Unknown < -1 || p.Unknown == 0 || p.Unknown >= len(p.Tokens) {
		return fmt.Errorf("ml: parse vocabulary: unknown id %d is not -1 or a token id in 1..%d", p.Unknown, len(p.Tokens)-1)
	}
	*v = Vocabulary(p)
	v.buildIndex()
	return nil
}

// Padding and truncation sides.
const (
	Left  = "left"
	Right = "right"
)

// SeqOptions fixes the length of encoded sequences.
type SeqOptions struct {
	MaxLen int // every sequence becomes exactly this long

	// Pad says where padding goes: Left (the default, so that an LSTM's last step
	// sees the text's end) or Right.
	Pad string
	// Truncate says which end of a too-long sequence is cut: Left (the default,
	// keeping the end) or Right (keeping the beginning).
	Truncate string
}

func (o SeqOptions) sides() (pad, truncate string) {
	pad, truncate = o.Pad, o.Truncate
	if pad == "" {
		pad = Left
	}
	if truncate == "" {
		truncate = Left
	}
	if pad != Left && pad != Right {
		panic(fmt.Sprintf("ml: SeqOptions.Pad %q must be %q or %q", o.Pad, Left, Right))
	}
	if truncate != Left && truncate != Right {
		panic(fmt.Sprintf("ml: SeqOptions.Truncate %q must be %q or %q", o.Truncate, Left, Right))
	}
	if o.MaxLen <= 0 {
		panic(fmt.Sprintf("ml: SeqOptions.MaxLen %d must be positive", o.MaxLen))
	}
	return pad, truncate
}

// PadSequence returns ids padded with 0 or truncated to exactly opts.MaxLen.
func PadSequence(ids []int, opts SeqOptions) []int {
	pad, truncate := opts.sides()
	n := opts.MaxLen
	if len(ids) > n {
		if truncate == Left {
			ids = ids[len(ids)-n:]
		} else {
			ids = ids[:n]
		}
	}
	out := make([]int, n)
	if pad == Left {
		copy(out[n-len(ids):], ids)
	} else {
		copy(out, ids)
	}
	return out
}

// PadSequences pads or truncates each sequence and stacks them into a
// [len(seqs), MaxLen] tensor of ids (stored as float32), ready for an Embedding.
func PadSequences(seqs [][]int, opts SeqOptions) *Tensor {
	opts.sides()
	out := New(len(seqs), opts.MaxLen)
	data := out.Data()
	for i, s := range seqs {
		for j, id := range PadSequence(s, opts) {
			data[i*opts.MaxLen+j] = float32(id)
		}
	}
	return out
}

// EncodeBatch encodes, pads and stacks texts into a [len(texts), MaxLen] tensor.
func (v *Vocabulary) EncodeBatch(texts []string, opts SeqOptions) *Tensor {
	seqs := make([][]int, len(texts))
	for i, s := range texts {
		seqs[i] = v.Encode(s)
	}
	return PadSequences(seqs, opts)
}

// TextDataset encodes texts with vocab into a Dataset whose X holds token ids
// ([n, MaxLen]) and whose Y holds the class labels. classNames may be nil.
func TextDataset(texts []string, labels []int, classNames []string, vocab *Vocabulary, opts SeqOptions) Dataset {
	if len(texts) != len(labels) {
		panic(fmt.Sprintf("ml: TextDataset: %d texts but %d labels", len(texts), len(labels)))
	}
	y := make([]float32, len(labels))
	for i, c := range labels {
		if c < 0 {
			panic(fmt.Sprintf("ml: TextDataset: label %d at row %d is negative", c, i))
		}
		y[i] = float32(c)
	}
	d := NewDataset(vocab.EncodeBatch(texts, opts), FromSlice(y, len(y)))
	d.ClassNames = classNames
	return d
}

// Dataset encodes text samples (see ReadTextCSV) with vocab; a shorthand for
// TextDataset.
func (s TextSamples) Dataset(vocab *Vocabulary, opts SeqOptions) Dataset {
	return TextDataset(s.Texts, s.Labels, s.ClassNames, vocab, opts)
}
