package notebooks

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Summary is what a list of notebooks shows about one: a title and a one-line
// description, both plain text.
type Summary struct {
	Title       string
	Description string
}

// MaxDescription bounds a Summary's description in characters: it must fit one
// line of a card.
const MaxDescription = 160

// Summarize returns nb's title and one-line description, taken from the notebook
// itself. The title is the metadata field "title" (nbformat's) or else the first
// level-1 heading of the first Markdown cell that has one. The description is the
// metadata field "description" (an author's one-liner; Jupyter keeps unknown
// metadata) or else the first sentence of the first paragraph of text after the
// title, clipped at a word to MaxDescription characters. Either is "" when the
// notebook has none.
func Summarize(nb *Notebook) Summary {
	var sum Summary
	if t, ok := nb.Metadata["title"].(string); ok {
		sum.Title = plainText(t)
	}
	if d, ok := nb.Metadata["description"].(string); ok {
		sum.Description = clipWords(plainText(d), MaxDescription)
	}
	for _, c := range nb.Cells {
		if sum.Title != "" && sum.Description != "" {
			break
		}
		if c.Type != MarkdownCell {
			continue
		}
		title, para := headingAndParagraph(c.Source)
		if sum.Title == "" && title != "" {
			sum.Title = title
		}
		if sum.Description == "" && para != "" && sum.Title != "" {
			sum.Description = clipWords(firstSentence(para), MaxDescription)
		}
	}
	return sum
}

// headingAndParagraph returns the first level-1 heading of a Markdown text and
// the first paragraph of prose in it (headings, lists, quotes, code, tables and
// HTML are not prose), joined into one line of plain text.
func headingAndParagraph(md string) (heading, para string) {
	var lines []string
	inFence := false
	flush := func() bool {
		if len(lines) > 0 && para == "" {
			para = plainText(strings.Join(lines, " "))
		}
		lines = nil
		return para != ""
	}
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			flush()
			inFence = !inFence
			continue
		case inFence:
			continue
		case trimmed == "":
			flush()
			continue
		case strings.HasPrefix(trimmed, "#"):
			flush()
			if heading == "" && (strings.HasPrefix(trimmed, "# ") || trimmed == "#") {
				heading = plainText(strings.TrimSpace(strings.TrimRight(strings.TrimPrefix(trimmed, "#"), "# ")))
			}
			continue
		case notProse.MatchString(trimmed):
			flush()
			continue
		}
		if para == "" {
			lines = append(lines, trimmed)
		}
	}
	flush()
	return heading, para
}

// notProse matches the first characters of Markdown lines that are not part of a
// paragraph: list items, quotes, tables, HTML, rules and indented code.
var notProse = regexp.MustCompile(`^([-*+] |\d+[.)] |>|\||<|---|\*\*\*|___)`)

var (
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdCode     = regexp.MustCompile("`+([^`]+)`+")
	mdEmphasis = regexp.MustCompile(`\*\*([^*]+)\*\*|\*([^*]+)\*|~~([^~]+)~~|\b__([^_]+)__\b|\b_([^_]+)_\b`)
	spaces     = regexp.MustCompile(`\s+`)
)

// plainText removes the inline Markdown of s (images, links, emphasis, code
// spans) and folds its white space. Code spans keep their text as it is, so
// snake_case and *pointers in them survive.
func plainText(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	var b strings.Builder
	last := 0
	for _, m := range mdCode.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(stripEmphasis(s[last:m[0]]))
		b.WriteString(s[m[2]:m[3]])
		last = m[1]
	}
	b.WriteString(stripEmphasis(s[last:]))
	return strings.TrimSpace(spaces.ReplaceAllString(b.String(), " "))
}

// stripEmphasis removes bold, italic and strike-through markers around text.
func stripEmphasis(s string) string {
	for { // nested emphasis (**bold *and italic***) takes more than one pass
		t := mdEmphasis.ReplaceAllStringFunc(s, func(m string) string {
			for _, g := range mdEmphasis.FindStringSubmatch(m)[1:] {
				if g != "" {
					return g
				}
			}
			return m
		})
		if t == s {
			return s
		}
		s = t
	}
}

// firstSentence returns s up to the end of its first sentence: the first '.', '!'
// or '?' followed by a space or the end.
func firstSentence(s string) string {
	for i, r := range s {
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		if i+1 == len(s) || s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

// clipWords shortens s to at most max characters, cutting at a word and marking
// the cut with "…".
func clipWords(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)[:max-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
