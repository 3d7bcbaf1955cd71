package engine

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// itemKind classifies a top-level part of a cell.
type itemKind int

const (
	itemStmt    itemKind = iota // a statement
	itemImport                  // an import declaration
	itemFunc                    // a func or method declaration
	itemType                    // a type declaration
	itemVar                     // a var or const declaration: runs in order, like a statement
	itemPackage                 // a package clause: dropped
)

// item is one top-level part of a cell: a declaration or a statement.
type item struct {
	kind       itemKind
	start, end int // byte offsets of the item's text in the cell

	file   *token.File // the file the item was parsed in
	prefix int         // bytes of wrapper text before the item's text in file

	decl ast.Decl // for declarations
	stmt ast.Stmt // for statements

	key     string          // funcs and types: the name the engine stores it under ("f", "T", "T.M")
	defines []string        // names the item defines at top level
	refs    map[string]bool // identifiers the item mentions
	edits   []edit          // rewrites of the item's text
	slot    int             // funcs and types: run after this many ordered items

	wrap        bool // run the statement inside func(){...}()
	result      bool // capture the statement's value as the cell's result
	speculative bool // the result capture may not compile (unknown result count)
	hoist       bool // a definition to hoist from the start (a generic call on the right, see hoist.go)
}

// node returns the item's syntax tree: its declaration or its statement, or nil.
func (it *item) node() ast.Node {
	if it.decl != nil {
		return it.decl
	}
	return it.stmt // a nil ast.Stmt converts to a nil ast.Node
}

// off converts a position in the item's parse to a byte offset in the cell.
func (it *item) off(p token.Pos) int {
	return it.file.Offset(p) - it.prefix + it.start
}

// tokenAt is one scanned token.
type tokenAt struct {
	off, end int
	tok      token.Token
}

// splitCell cuts a cell into its top-level items, in source order. A new item
// starts after every semicolon (explicit or automatic) outside brackets.
func splitCell(src string) ([]*item, *Error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var firstErr *Error
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) {
		if firstErr == nil {
			firstErr = &Error{Kind: "CompileError", Message: msg, Line: pos.Line, Col: pos.Column}
		}
	}, 0)
	var toks []tokenAt
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		end := off + len(lit)
		if lit == "" {
			end = off + len(tok.String())
		}
		toks = append(toks, tokenAt{off, end, tok})
	}
	if firstErr != nil {
		return nil, firstErr
	}

	var items []*item
	depth := 0
	var cur *item
	// In the header of for, if and switch statements, explicit semicolons
	// separate clauses, not statements; the header ends with the first block.
	inHeader := false
	for i, t := range toks {
		if cur == nil && t.tok != token.SEMICOLON {
			cur = &item{kind: classify(toks, i), start: t.off}
		}
		if depth == 0 && (t.tok == token.FOR || t.tok == token.IF || t.tok == token.SWITCH) {
			inHeader = true // also after a label or else
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth == 0 && t.tok == token.RBRACE {
				inHeader = false
			}
		case token.SEMICOLON:
			if inHeader && t.off < len(src) && src[t.off] == ';' {
				continue
			}
			if depth == 0 && cur != nil {
				items = append(items, cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			// Items end with their last token: trailing comments stay out.
			cur.end = t.end
		}
	}
	if cur != nil {
		items = append(items, cur)
	}
	return items, nil
}

// classify decides what the top-level item starting at toks[i] is.
func classify(toks []tokenAt, i int) itemKind {
	at := func(j int) token.Token {
		if j < len(toks) {
			return toks[j].tok
		}
		return token.EOF
	}
	switch toks[i].tok {
	case token.PACKAGE:
		return itemPackage
	case token.IMPORT:
		return itemImport
	case token.TYPE:
		return itemType
	case token.VAR, token.CONST:
		return itemVar
	case token.FUNC:
		switch at(i + 1) {
		case token.IDENT:
			return itemFunc
		case token.LPAREN:
			// A method declaration has a name after its receiver; a function
			// literal has its parameters or body there.
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch toks[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
					if depth == 0 {
						if at(j+1) == token.IDENT && (at(j+2) == token.LPAREN || at(j+2) == token.LBRACK) {
							return itemFunc
						}
						return itemStmt
					}
				}
			}
		}
	}
	return itemStmt
}

const (
	declPrefix = "package p;"
	stmtPrefix = "package p;func _(){"
)

// parseItem parses an item's text as a declaration or a statement.
func parseItem(fset *token.FileSet, src string, it *item) *Error {
	text := src[it.start:it.end]
	var code string
	if it.kind == itemStmt {
		code = stmtPrefix + text + "\n}"
		it.prefix = len(stmtPrefix)
	} else {
		code = declPrefix + text
		it.prefix = len(declPrefix)
	}
	f, err := parser.ParseFile(fset, "", code, parser.SkipObjectResolution)
	if err != nil {
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			off := list[0].Pos.Offset - it.prefix + it.start
			off = max(it.start, min(off, len(src)))
			line, col := lineCol(src, off)
			return &Error{Kind: "CompileError", Message: list[0].Msg, Line: line, Col: col}
		}
		line, col := lineCol(src, it.start)
		return &Error{Kind: "CompileError", Message: err.Error(), Line: line, Col: col}
	}
	it.file = fset.File(f.Package)
	if it.kind == itemStmt {
		body := f.Decls[0].(*ast.FuncDecl).Body
		if len(body.List) != 1 {
			line, col := lineCol(src, it.start)
			return &Error{Kind: "CompileError", Message: "expected one statement", Line: line, Col: col}
		}
		it.stmt = body.List[0]
		return nil
	}
	if it.kind == itemPackage {
		return nil
	}
	if len(f.Decls) != 1 {
		line, col := lineCol(src, it.start)
		return &Error{Kind: "CompileError", Message: "expected one declaration", Line: line, Col: col}
	}
	it.decl = f.Decls[0]
	return nil
}

// lineCol returns the 1-based line and column (in bytes) of offset off in src.
func lineCol(src string, off int) (line, col int) {
	off = max(0, min(off, len(src)))
	line = 1 + strings.Count(src[:off], "\n")
	col = off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}
