package audit

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

const tailUsage = `usage: sluice audit tail [--follow] [--since DURATION] [--event NAME[,NAME...]] [--errors-only] [--file PATH]

tail prints the events of Sluice's audit log (--audit-log; SLUICE_AUDIT_LOG
when --file is not given), oldest first: the rotated PATH.1, then PATH. One
line each:

  2026-01-02T03:04:05Z kinesis CreateStream AKIAEXAMPLE@111122223333 127.0.0.1 OK ShardCount=2 StreamName=orders
  2026-01-02T03:04:06Z kinesis PutRecord BADKEY 127.0.0.1 UnrecognizedClientException: The security token …

--follow keeps printing new events (across rotations) until interrupted;
--format json prints each event as the log holds it (a CloudTrail record).

flags:
`

// tailCmd is a parsed `sluice audit tail`.
type tailCmd struct {
	file       string
	follow     bool
	since      time.Duration
	events     []string
	errorsOnly bool
	format     string
	poll       time.Duration
}

// Main runs `sluice audit` (its one command is tail) and returns the exit
// status: 0, 1 when the log cannot be read, 2 for a mistake in the command
// line. getenv supplies SLUICE_AUDIT_LOG.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseTail(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice audit: %v (see sluice audit tail -h)\n", err)
		return 2
	}
	if err := c.run(ctx, stdout); err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "sluice audit tail: %v\n", err)
		return 1
	}
	return 0
}

func parseTail(args []string, getenv func(string) string, stderr io.Writer) (*tailCmd, error) {
	if len(args) == 0 || (args[0] != "tail" && !strings.HasPrefix(args[0], "-")) {
		fmt.Fprint(stderr, tailUsage)
		if len(args) == 0 {
			return nil, errors.New("tail?")
		}
		return nil, fmt.Errorf("unknown audit command %q (tail)", args[0])
	}
	if args[0] == "tail" {
		args = args[1:]
	}
	c := &tailCmd{}
	fs := flag.NewFlagSet("sluice audit tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tailUsage); fs.PrintDefaults() }
	fs.StringVar(&c.file, "file", getenv("SLUICE_AUDIT_LOG"), "the audit log (the server's --audit-log)")
	fs.BoolVar(&c.follow, "follow", false, "keep printing new events until interrupted")
	fs.DurationVar(&c.since, "since", 0, "only events of the last DURATION (e.g. 10m, 24h); default: all")
	events := fs.String("event", "", "only these eventNames (comma-separated, e.g. CreateStream,DeleteStream)")
	fs.BoolVar(&c.errorsOnly, "errors-only", false, "only failed and denied calls (those with an errorCode)")
	fs.StringVar(&c.format, "format", "text", "text or json")
	fs.DurationVar(&c.poll, "poll", 500*time.Millisecond, "how often --follow looks for new events")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("tail takes no arguments, got %q", fs.Arg(0))
	case c.file == "":
		return nil, errors.New("--file is required (or SLUICE_AUDIT_LOG)")
	case c.format != "text" && c.format != "json":
		return nil, errors.New("--format must be text or json")
	case c.since < 0 || c.poll <= 0:
		return nil, errors.New("--since must not be negative and --poll must be positive")
	}
	for _, name := range strings.Split(*events, ",") {
		if name = strings.TrimSpace(name); name != "" {
			c.events = append(c.events, name)
		}
	}
	return c, nil
}

func (c *tailCmd) run(ctx context.Context, stdout io.Writer) error {
	if _, err := os.Stat(c.file); err != nil && !c.follow {
		if _, err1 := os.Stat(c.file + ".1"); err1 != nil {
			return err
		}
	}
	var cutoff time.Time
	if c.since > 0 {
		cutoff = time.Now().Add(-c.since).Truncate(time.Second)
	}
	emit := func(line []byte) {
		e, ok := parseEvent(line)
		if !ok || (!cutoff.IsZero() && e.Time().Before(cutoff)) || (c.errorsOnly && e.ErrorCode == "") ||
			(len(c.events) > 0 && !slices.Contains(c.events, e.EventName)) {
			return
		}
		if c.format == "json" {
			fmt.Fprintf(stdout, "%s\n", line)
			return
		}
		fmt.Fprintln(stdout, formatText(e))
	}
	fw := &follower{path: c.file}
	defer fw.close()
	if err := fw.readRotated(emit); err != nil {
		return err
	}
	for {
		if err := fw.next(emit); err != nil {
			return err
		}
		if !c.follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.poll):
		}
	}
}

// formatText renders an event on one line: time, service, operation,
// caller, source, outcome and the request parameters.
func formatText(e Event) string {
	var b strings.Builder
	b.WriteString(e.EventTime)
	b.WriteByte(' ')
	b.WriteString(strings.TrimSuffix(e.EventSource, ".amazonaws.com"))
	b.WriteByte(' ')
	b.WriteString(e.EventName)
	b.WriteByte(' ')
	who := e.UserIdentity.AccessKeyID
	if who == "" {
		who = "-"
	}
	if e.UserIdentity.AccountID != "" {
		who += "@" + e.UserIdentity.AccountID
	}
	b.WriteString(who)
	b.WriteByte(' ')
	b.WriteString(e.SourceIPAddress)
	b.WriteByte(' ')
	if e.ErrorCode == "" {
		b.WriteString("OK")
	} else {
		b.WriteString(e.ErrorCode)
		if e.ErrorMessage != "" {
			b.WriteString(": ")
			b.WriteString(strings.ReplaceAll(e.ErrorMessage, "\n", " "))
		}
	}
	keys := make([]string, 0, len(e.RequestParameters))
	for k := range e.RequestParameters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, _ := json.Marshal(e.RequestParameters[k])
		s := string(v)
		if str, ok := e.RequestParameters[k].(string); ok && !strings.ContainsAny(str, " \t\n\"") {
			s = str
		}
		b.WriteString(" " + k + "=" + s)
	}
	return b.String()
}
