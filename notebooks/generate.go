package notebooks

// The example tests run the notebooks' cells with yaegi through symbols
// extracted exactly as the kernel extracts them.
//go:generate sh -c "go run github.com/traefik/yaegi/cmd/yaegi extract -name notebooks_test gopad.dev/gopad/display && mv gopad_dev-gopad-display.go display_symbols_test.go"
