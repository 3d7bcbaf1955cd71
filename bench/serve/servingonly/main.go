// Command servingonly serves a saved model with package serving alone, as
// gopad serve-model does but without the rest of the gopad binary (the
// notebook server, the kernel and yaegi's symbol tables, the frontend).
// bench/serve/compare.sh measures its memory beside serve-model's: the
// difference is what the single binary costs a model server.
//
// Usage: go run ./bench/serve/servingonly MODEL_DIR HOST:PORT
package main

import (
	"fmt"
	"net/http"
	"os"

	"gopad.dev/gopad/serving"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: servingonly MODEL_DIR HOST:PORT")
		os.Exit(2)
	}
	s, err := serving.NewFromDir(os.Args[1], "digits", serving.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := http.ListenAndServe(os.Args[2], s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
