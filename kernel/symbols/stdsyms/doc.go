// Package stdsyms holds yaegi symbol tables of standard library packages
// extracted with the Go that builds gopad (go generate, yaegi extract), for
// what Go added after the tables yaegi v0.16.1 ships (Go 1.22):
// strings.SplitSeq, bytes.Lines, reflect.TypeFor's companions, new slog and
// time functions, and new packages. The engine adds the symbols yaegi's own
// tables lack and keeps yaegi's for the rest (its MapTypes refer to them).
// Generic functions and types cannot be extracted; the engine's shims cover
// the common ones.
package stdsyms

import "reflect"

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract bufio bytes crypto/hkdf crypto/mlkem crypto/pbkdf2 crypto/rand crypto/sha3 encoding encoding/base64 encoding/binary encoding/json errors fmt go/ast go/token go/types hash/maphash io io/fs iter log/slog maps math/rand/v2 path/filepath reflect slices strconv strings structs sync time unicode unicode/utf8 unique weak

// Symbols maps "importpath/packagename" to the package's exported symbols.
var Symbols = map[string]map[string]reflect.Value{}
