// Package recovery is the operator's side of the stores' durability:
// `sluice backup` copies a data directory that Sluice may be using, and
// `sluice recover` lists the logs kept in quarantine (found without
// metadata, see package storage) and marks those to restore, in a data
// directory or, with --cluster-etcd, in a cluster (cluster.go).
// Restoring a backup is copying it back while Sluice is stopped;
// docs/operations.md has the procedures.
package recovery

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"sluice/internal/cluster"
	"sluice/internal/storage"
	"sluice/internal/storage/embedded"
)

// defaultDataDir is --data-dir's default: SLUICE_DATA_DIR, else ./data,
// as for the server.
func defaultDataDir() string {
	if d := os.Getenv("SLUICE_DATA_DIR"); d != "" {
		return d
	}
	return "./data"
}

// Backup is `sluice backup`.
func Backup(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", defaultDataDir(), "the data directory to copy (Sluice may be running on it)")
	out := fs.String("out", "", "the directory to copy it into; must not exist or be empty")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sluice backup --data-dir DIR --out BACKUP\n\n"+
			"Copies a data directory, while Sluice runs or not, so that the copy holds every record\n"+
			"acknowledged before the backup started. To restore: stop Sluice, put the copy in place of the\n"+
			"data directory (or point --data-dir at it), start Sluice.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitParse(err)
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "sluice backup: --out is required, and there are no arguments (see sluice backup -h)")
		return 2
	}
	rep, err := embedded.Backup(ctx, *dataDir, *out)
	if err != nil {
		fmt.Fprintf(stderr, "sluice backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d files, %s, metadata at transaction %d, meta.db copied %d time(s) to catch it between transactions\n",
		*dataDir, *out, rep.Files+1, size(rep.Bytes), rep.MetaTxID, rep.MetaAttempts)
	return 0
}

// Recover is `sluice recover`.
func Recover(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice recover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", defaultDataDir(), "the data directory")
	etcd := cluster.EtcdFlags(fs)
	var restore []string
	fs.Func("restore", "a quarantined log to restore (its LOG name), or all; may be repeated", func(v string) error {
		restore = append(restore, v)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sluice recover [--data-dir DIR] [--restore LOG|all ...]\n"+
			"       sluice recover --cluster-etcd URLS [--cluster-prefix P] [--restore LOG|all ...]\n\n"+
			"Lists the logs Sluice keeps in quarantine: streams' and delivery streams' records it found at\n"+
			"start without their metadata (a lost, damaged or older meta.db, or etcd keys lost). They are\n"+
			"never deleted. --restore marks them to be restored: on one node, stop Sluice first; at its\n"+
			"next start each gets its metadata back from the copy kept beside its records (or goes back to\n"+
			"quarantine, the log says why). With --cluster-etcd it acts on a cluster's logs, and may run\n"+
			"while the cluster serves: the marked logs are restored when an owner next opens the store\n"+
			"(restart the owner node; another takes over and restores them).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitParse(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sluice recover: unexpected argument %q (see sluice recover -h)\n", fs.Arg(0))
		return 2
	}
	if etcd.Etcd != "" {
		return recoverCluster(ctx, *etcd, restore, stdout, stderr)
	}
	logs, err := embedded.ListQuarantined(*dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "sluice recover: %v\n", err)
		return 1
	}
	if len(restore) == 0 {
		list(stdout, *dataDir, logs)
		return 0
	}
	var restorable []string
	for _, q := range logs {
		if q.Manifest != nil {
			restorable = append(restorable, q.Name)
		}
	}
	return markEach(restore, restorable, func(name string) error { return embedded.MarkForRestore(*dataDir, name) },
		"at the next start", stdout, stderr)
}

// markEach marks the logs the --restore flags name (all: every restorable
// one) and says what it did of each; when says when they are restored.
func markEach(restore, restorable []string, mark func(name string) error, when string, stdout, stderr io.Writer) int {
	names := restore
	if len(restore) == 1 && restore[0] == "all" {
		names = restorable
	}
	status := 0
	for _, n := range names {
		if err := mark(n); err != nil {
			fmt.Fprintf(stderr, "sluice recover: %s: %v\n", n, err)
			status = 1
			continue
		}
		fmt.Fprintf(stdout, "marked %s to be restored %s\n", n, when)
	}
	if len(names) == 0 {
		fmt.Fprintln(stdout, "nothing to restore")
	}
	return status
}

// list prints the quarantined logs.
func list(w io.Writer, dataDir string, logs []embedded.QuarantinedLog) {
	if len(logs) == 0 {
		fmt.Fprintf(w, "no quarantined logs in %s\n", dataDir)
		return
	}
	rows := make([]quarantineRow, 0, len(logs))
	for _, q := range logs {
		rows = append(rows, quarantineRow{id: q.Name, m: q.Manifest, problem: q.Problem, parts: q.Files, bytes: q.Bytes})
	}
	printQuarantined(w, "Quarantined logs in "+dataDir, "FILES", rows)
	fmt.Fprintf(w, "\nTo restore, stop Sluice, run sluice recover --data-dir %s --restore LOG (or --restore all),\n"+
		"then start Sluice.\n", dataDir)
}

// quarantineRow is one quarantined log as the listings show it: parts
// are its segment files or objects.
type quarantineRow struct {
	id      string
	m       *storage.Manifest
	problem string
	parts   int
	bytes   int64
}

// printQuarantined prints a table of quarantined logs under a title.
func printQuarantined(w io.Writer, title, partsColumn string, rows []quarantineRow) {
	fmt.Fprintf(w, "%s (found without metadata; kept whole):\n\n", title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "LOG\tKIND\tACCOUNT\tREGION\tNAME\t%s\tSIZE\tRESTORABLE\n", partsColumn)
	for _, q := range rows {
		kind, account, region, name := describe(q.m)
		ok := "yes"
		if q.m == nil {
			ok = "no: " + q.problem
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", q.id, kind, account, region, name, q.parts, size(q.bytes), ok)
	}
	tw.Flush()
}

// describe reads what a log holds from its manifest's metadata key:
// streams/<account>/<region>/<name> for Data Streams,
// firehose/streams/<account>/<region>/<name> for Firehose.
func describe(m *storage.Manifest) (kind, account, region, name string) {
	if m == nil {
		return "?", "?", "?", "?"
	}
	key := m.Key
	kind = "stream"
	if rest, ok := strings.CutPrefix(key, "firehose/streams/"); ok {
		kind, key = "delivery stream", rest
	} else {
		key = strings.TrimPrefix(key, "streams/")
	}
	parts := strings.SplitN(key, "/", 3)
	for len(parts) < 3 {
		parts = append(parts, "?")
	}
	return kind, parts[0], parts[1], parts[2]
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func exitParse(err error) int {
	if err == flag.ErrHelp {
		return 0
	}
	return 2
}
