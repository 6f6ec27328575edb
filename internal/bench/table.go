package bench

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// tableUsage documents `sluice bench table`.
const tableUsage = `usage: sluice bench table [-base LABEL] [FILE...]

Reads the -json reports of several runs (from the files, or standard input;
one JSON object after another) and prints a Markdown table with one row per
workload and server (-label): the median over the runs of records/s,
calls/s, latency p50/p99 and the server's CPU seconds per 1,000 records,
and for every other server two ratios that read as "the base is N times
better": the base's records/s divided by this server's, and this server's
CPU per record divided by the base's.
scripts/bench-peers.sh uses it.

Flags:
`

// table runs `sluice bench table`.
func table(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice bench table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tableUsage); fs.PrintDefaults() }
	base := fs.String("base", "", "label the ratios are against (default: the first label read)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	var results []*Result
	read := func(r io.Reader, name string) error {
		dec := json.NewDecoder(r)
		for {
			res := new(Result)
			err := dec.Decode(res)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			results = append(results, res)
		}
	}
	var err error
	if fs.NArg() == 0 {
		err = read(stdin, "stdin")
	}
	for _, name := range fs.Args() {
		f, ferr := os.Open(name)
		if ferr != nil {
			err = ferr
			break
		}
		err = read(f, name)
		f.Close()
		if err != nil {
			break
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice bench table: %v\n", err)
		return exitFailed
	}
	_, err = io.WriteString(stdout, Table(results, *base))
	if err != nil {
		return exitFailed
	}
	return exitOK
}

// summary is the medians of one workload's runs against one server.
type summary struct {
	label, workload                string
	runs, skipped, failed          int
	failure                        string // the first failed run's error
	errors                         int64  // in all runs
	recordsPerSec, callsPerSec     float64
	p50, p99                       float64
	serverCPUPer1k, clientCPUPer1k float64 // 0: not measured
}

// Table summarises results as Markdown (see tableUsage). Workloads keep
// the order of workloads; servers the order they were first read in.
func Table(results []*Result, base string) string {
	var labels []string
	groups := map[[2]string][]*Result{}
	for _, r := range results {
		if !slices.Contains(labels, r.Label) {
			labels = append(labels, r.Label)
		}
		k := [2]string{r.Workload, r.Label}
		groups[k] = append(groups[k], r)
	}
	if base == "" && len(labels) > 0 {
		base = labels[0]
	}
	var b strings.Builder
	b.WriteString("| workload | server | runs | records/s | calls/s | p50 ms | p99 ms | server CPU s per 1k records | errors | " + base + " records/s ÷ this | this CPU per record ÷ " + base + " |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range workloads {
		baseSum := summarize1(groups[[2]string{w, base}])
		for _, l := range labels {
			rs := groups[[2]string{w, l}]
			if len(rs) == 0 {
				continue
			}
			s := summarize1(rs)
			label := l
			if label == "" {
				label = "(no label)"
			}
			switch {
			case s.runs == 0 && s.failed == 0:
				fmt.Fprintf(&b, "| %s | %s | %d | unsupported | | | | | | | |\n", w, label, len(rs))
				continue
			case s.runs == 0:
				fmt.Fprintf(&b, "| %s | %s | %d | failed: %s | | | | | | | |\n", w, label, len(rs), cell(s.failure))
				continue
			case s.failed > 0:
				label = fmt.Sprintf("%s (%d failed)", label, s.failed)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %.2f | %.2f | %s | %d | %s | %s |\n", w, label, s.runs,
				thousands(s.recordsPerSec), thousands(s.callsPerSec), s.p50, s.p99, cpuCell(s.serverCPUPer1k), s.errors,
				ratio(baseSum.recordsPerSec, s.recordsPerSec, l == base), ratio(s.serverCPUPer1k, baseSum.serverCPUPer1k, l == base))
		}
	}
	return b.String()
}

// summarize1 takes the medians of the runs that were not skipped.
func summarize1(rs []*Result) summary {
	var s summary
	var recs, calls, p50, p99, scpu, ccpu []float64
	for _, r := range rs {
		s.label, s.workload = r.Label, r.Workload
		if r.Skipped {
			s.skipped++
			continue
		}
		if len(r.Phases) == 0 || (r.Interrupted && r.Seconds == 0) {
			s.failed++
			if s.failure == "" {
				s.failure = failure(r)
			}
			continue
		}
		s.runs++
		s.errors += sum(r.Errors) + sum(r.RecordErrors)
		recs = append(recs, r.RecordsPerSec)
		calls = append(calls, r.CallsPerSec)
		p50 = append(p50, r.Latency.P50)
		p99 = append(p99, r.Latency.P99)
		if r.CPU != nil && r.CPU.ServerPID > 0 && r.CPU.ServerMeasureFailed == "" {
			scpu = append(scpu, r.CPU.ServerSecondsPer1k)
		}
		if r.CPU != nil {
			ccpu = append(ccpu, r.CPU.ClientSecondsPer1k)
		}
	}
	s.recordsPerSec, s.callsPerSec = median(recs), median(calls)
	s.p50, s.p99 = median(p50), median(p99)
	s.serverCPUPer1k, s.clientCPUPer1k = median(scpu), median(ccpu)
	return s
}

// failure says why a run has no measurement: its error, or where it was
// interrupted (a run stopped during its preload has phases but no
// measured time).
func failure(r *Result) string {
	if r.Error != "" || len(r.Phases) == 0 {
		return r.Error
	}
	p := r.Phases[len(r.Phases)-1]
	msg := fmt.Sprintf("interrupted during %s after %.0f s (%s records", p.Name, p.Seconds, thousands(float64(p.Records)))
	if n := sum(p.Errors); n > 0 {
		msg += fmt.Sprintf(", %d failed calls", n)
	}
	return msg + ")"
}

// median is the middle value (the mean of the middle two for an even
// count), 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// ratio is x/of as "12.30×", blank for the base itself or when either is
// missing.
func ratio(x, of float64, isBase bool) string {
	if isBase || x == 0 || of == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f×", x/of)
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string {
	s = strings.NewReplacer("|", "/", "\n", " ").Replace(s)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func cpuCell(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("%.4f", x)
}

// thousands formats x rounded, with thin separators: 131,800.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
