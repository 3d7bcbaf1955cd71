// Command floor is the transport floor of bench/serve/compare.sh: a net/http
// server that reads each request's body and answers every POST with the same
// fixed OIP response as gopad's for oip_digits.lua, without decoding or a
// model. Its req/s is the most any Go net/http server reaches on the machine
// under the same wrk load, the ceiling for gopad serve-model.
//
// Usage: go run ./bench/serve/floor 127.0.0.1:PORT
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

const answer = `{"model_name":"digits","model_version":"1","outputs":[{"name":"output","datatype":"FP32","shape":[1,10],"data":[-0.17327839,-3.1831748,3.4211059,2.2408912,-5.8882275,-2.9463863,-4.5901256,-1.9251285,-0.5017157,2.0862231]}]}`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor HOST:PORT")
		os.Exit(2)
	}
	body := []byte(answer)
	length := []string{strconv.Itoa(len(body))}
	json := []string{"application/json"}
	http.HandleFunc("GET /v2/health/ready", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ready":true}`))
	})
	http.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h := w.Header()
		h["Content-Type"], h["Content-Length"] = json, length
		w.Write(body)
	})
	if err := http.ListenAndServe(os.Args[1], nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
