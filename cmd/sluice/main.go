// Command sluice is a self-hosted, AWS-compatible Amazon Kinesis: it serves
// the Kinesis APIs on one port, backed by a durable embedded store.
//
//	sluice [serve] [flags]   start the server (the default)
//	sluice bench [flags]     load-test an endpoint
//	sluice put [flags]       write records to a stream
//	sluice tail [flags]      follow a stream
//	sluice video put|get     PutMedia an MKV, GetMedia to stdout
//	sluice firehose logs     print a delivery stream's delivery errors
//	sluice audit tail        print the audit log's events
//	sluice backup [flags]    copy a data directory, running or not
//	sluice recover [flags]   list and restore quarantined logs
//	sluice cluster status    show a cluster's nodes, owner and placement
//	sluice kms create-key    manage the master keys of the local key file
//	sluice help              show the server's flags
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sluice/internal/cluster"
	"sluice/internal/config"
	"sluice/internal/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return cmd.run(ctx, args[1:], os.Stdin, stdout, stderr)
		}
		switch args[0] {
		case "serve":
			args = args[1:]
		case "help":
			args = []string{"-h"}
		}
	}
	cfg, err := config.Load(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		printCommands(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	if err := serve(cfg, log); err != nil {
		log.Error("sluice stopped", "err", err)
		return 1
	}
	return 0
}

func serve(cfg config.Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Cluster.Enabled() {
		if cfg.DebugListen != "" {
			go serveDebug(cfg.DebugListen, log)
		}
		node, err := cluster.New(cluster.Options{Config: cfg, Logger: log})
		if err != nil {
			return err
		}
		return node.Run(ctx)
	}
	srv, err := server.New(ctx, server.Options{Config: cfg, Logger: log})
	if err != nil {
		return err
	}
	lns, err := srv.Listeners("", "")
	if err != nil {
		srv.Shutdown(context.Background())
		return err
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errc <- srv.Serve(ln) }()
	}
	if cfg.DebugListen != "" {
		go serveDebug(cfg.DebugListen, log)
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, srv.Shutdown(shutdownCtx))
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printCommands(w io.Writer) {
	fmt.Fprintf(w, "\nOther commands (each takes -h):\n")
	for _, name := range []string{"bench", "put", "tail", "video", "firehose", "audit", "backup", "recover", "cluster", "kms"} {
		fmt.Fprintf(w, "  sluice %-8s %s\n", name, commands[name].summary)
	}
}

// serveDebug serves the profiler for measuring the server (docs/benchmarks.md).
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	log.Info("debug server", "addr", addr)
	if err := http.ListenAndServe(addr, mux); err != nil {
		log.Error("debug server", "err", err)
	}
}
