package jupyter

import (
	"go/scanner"
	"go/token"
	"strings"
)

// isComplete tells a console whether code is ready to run ("complete"), needs
// more lines ("incomplete", with the indent of the next line) or cannot become
// valid by adding lines ("invalid"). Go's own rules decide: an open bracket or
// an unterminated raw string or comment continues, as does a line ending in an
// operator or a comma, after which Go inserts no semicolon.
func isComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var (
		s        scanner.Scanner
		open     []token.Token
		unclosed bool
		invalid  bool
	)
	s.Init(file, []byte(code), func(pos token.Position, msg string) {
		if msg == "raw string literal not terminated" || msg == "comment not terminated" {
			unclosed = true // a raw string or a /* comment continues on the next line
		} else {
			invalid = true
		}
	}, scanner.ScanComments)
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // inserted by the scanner at a line end: not what the line ends in
		}
		if tok != token.COMMENT {
			last = tok
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			open = append(open, tok)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) == 0 || closer(open[len(open)-1]) != tok {
				return "invalid", ""
			}
			open = open[:len(open)-1]
		}
	}
	switch {
	case unclosed:
		return "incomplete", ""
	case invalid:
		return "invalid", ""
	case len(open) > 0:
		return "incomplete", strings.Repeat("\t", len(open))
	case continues(last):
		return "incomplete", "\t"
	}
	return "complete", ""
}

func closer(open token.Token) token.Token {
	switch open {
	case token.LPAREN:
		return token.RPAREN
	case token.LBRACK:
		return token.RBRACK
	}
	return token.RBRACE
}

// continues reports whether a line ending in tok goes on: Go inserts no
// semicolon after an operator, a comma or a period.
func continues(tok token.Token) bool {
	switch tok {
	case token.COMMA, token.PERIOD, token.ASSIGN, token.DEFINE, token.COLON:
		return true
	case token.INC, token.DEC, token.RPAREN, token.RBRACK, token.RBRACE:
		return false
	}
	return tok.IsOperator()
}
