// Command servingonly serves a saved model with package serving alone, as
// gopad serve-model does but without the rest of the gopad binary (the
// notebook server, the kernel and yaegi's symbol tables, the frontend).
// bench/serve/compare.sh measures its memory beside serve-model's: the
// difference is what the single binary costs a model server. With -pprof
// it also serves net/http/pprof on another address, to profile the serving
// path under load.
//
// Usage: go run ./bench/serve/servingonly [-pprof HOST:PORT] MODEL_DIR HOST:PORT
package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/pprof"
	"os"

	"gopad.dev/gopad/serving"
)

func main() {
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: servingonly [-pprof HOST:PORT] MODEL_DIR HOST:PORT")
		os.Exit(2)
	}
	s, err := serving.NewFromDir(flag.Arg(0), "digits", serving.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *pprofAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() {
			if err := http.ListenAndServe(*pprofAddr, mux); err != nil {
				fmt.Fprintln(os.Stderr, "pprof:", err)
			}
		}()
	}
	if err := http.ListenAndServe(flag.Arg(1), s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
