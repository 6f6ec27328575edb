// Command capture records raw HTTP/1.1 requests, byte for byte, for the
// sigv4 client fixtures (see ../record.sh).
//
// GET /__name?n=NAME names the requests that follow: each is written to
// DIR/NAME.http (NAME-2.http, ... for more). Every request is answered
// 200 with "{}" and the connection closed.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dir := flag.String("dir", ".", "where to write NAME.http")
	portFile := flag.String("portfile", "", "write the port here once listening")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *portFile != "" {
		port := ln.Addr().(*net.TCPAddr).Port
		if err := os.WriteFile(*portFile, []byte(fmt.Sprint(port)), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	var mu sync.Mutex
	name, count := "unnamed", 0
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer conn.Close()
			var raw bytes.Buffer
			br := bufio.NewReader(io.TeeReader(conn, &raw))
			req, err := http.ReadRequest(br)
			if err != nil {
				log.Print(err)
				return
			}
			if _, err := io.Copy(io.Discard, req.Body); err != nil {
				log.Print(err)
				return
			}
			// Drop what the reader fetched past the request, if anything.
			captured := raw.Bytes()[:raw.Len()-br.Buffered()]

			body := "{}"
			mu.Lock()
			if req.URL.Path == "/__name" {
				name, count = req.URL.Query().Get("n"), 0
				body = "named " + name
			} else {
				count++
				file := name
				if count > 1 {
					file = fmt.Sprintf("%s-%d", name, count)
				}
				if err := os.WriteFile(filepath.Join(*dir, file+".http"), captured, 0o644); err != nil {
					log.Print(err)
				}
				log.Printf("%s: %s %s", file, req.Method, strings.SplitN(req.RequestURI, "?", 2)[0])
			}
			mu.Unlock()
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"+
				"x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
				len(body), body)
		}()
	}
}
