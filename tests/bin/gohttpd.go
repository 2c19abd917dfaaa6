// SPDX-License-Identifier: ISC
// gohttpd: a Go server for tests/intercept.bats, as Go programs listen:
// net/http on ":PORT" (the IPv6 wildcard, dual-stack), bound by Go's own
// runtime from whichever thread runs the goroutine.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "go %s\n", os.Args[1])
	})
	if err := http.ListenAndServe(":"+os.Args[1], nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
