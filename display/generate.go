package display

// The yaegi test interprets cells that import this package through symbols
// extracted exactly as the kernel extracts them.
//go:generate sh -c "go run github.com/traefik/yaegi/cmd/yaegi extract -name display_test gopad.dev/gopad/display && mv gopad_dev-gopad-display.go yaegi_symbols_test.go"
