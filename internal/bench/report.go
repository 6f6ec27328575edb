package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Phase is what one part of a workload measured. Calls and latency count
// successful calls only (a throttled call answers fast and would flatter
// them); failed calls are in Errors by error code, and records a
// PutRecords call did not write in RecordErrors by their ErrorCode. Bytes
// are record data, without partition keys; MiB/s is 2^20 bytes/s.
type Phase struct {
	Name          string           `json:"phase"`
	Seconds       float64          `json:"seconds"`
	Calls         int64            `json:"calls"`
	Records       int64            `json:"records"`
	Bytes         int64            `json:"bytes"`
	CallsPerSec   float64          `json:"calls_per_sec"`
	RecordsPerSec float64          `json:"records_per_sec"`
	MiBPerSec     float64          `json:"mib_per_sec"`
	Latency       Latency          `json:"latency_ms"`
	Errors        map[string]int64 `json:"errors"`
	RecordErrors  map[string]int64 `json:"record_errors"`
	Throttled     int64            `json:"throttled"`
	CPU           *CPU             `json:"cpu,omitempty"` // timed phases
}

// finish computes the rates over elapsed and the throttled count.
func (p *Phase) finish(elapsed time.Duration) {
	p.Seconds = round(elapsed.Seconds(), 3)
	if s := elapsed.Seconds(); s > 0 {
		p.CallsPerSec = round(float64(p.Calls)/s, 1)
		p.RecordsPerSec = round(float64(p.Records)/s, 1)
		p.MiBPerSec = round(float64(p.Bytes)/s/(1<<20), 3)
	}
	p.Throttled = throttled(p.Errors) + throttled(p.RecordErrors)
}

func throttled(errs map[string]int64) int64 {
	var n int64
	for code, c := range errs {
		if throttling(code) {
			n += c
		}
	}
	return n
}

func round(x float64, places int) float64 {
	f := math.Pow(10, float64(places))
	return math.Round(x*f) / f
}

// Result is a run's report, and the -json output. Its inlined Phase is the
// headline phase (put, putrecords, get, deliver, poll, write, firehose,
// drain); Phases has them all.
type Result struct {
	Label           string  `json:"label,omitempty"` // -label, for bench table
	Workload        string  `json:"workload"`
	Endpoint        string  `json:"endpoint"`
	Region          string  `json:"region"`
	Streams         int     `json:"streams"`
	Shards          int     `json:"shards"`
	RecordSize      int     `json:"record_size"`
	Batch           int     `json:"batch"`
	Concurrency     int     `json:"concurrency"`
	Rate            float64 `json:"rate"`
	WarmupSeconds   float64 `json:"warmup_seconds"`
	DurationSeconds float64 `json:"duration_seconds"`
	ClientGOGC      int     `json:"client_gogc"`
	Phase
	Phases         []Phase          `json:"phases"`
	SetupErrors    map[string]int64 `json:"setup_errors"`
	ThrottledTotal int64            `json:"throttled_total"`
	Delivery       *Delivery        `json:"delivery,omitempty"`
	ShardCheck     *ShardCheck      `json:"shard_check,omitempty"`
	Analytics      *Analytics       `json:"analytics,omitempty"`
	Video          *Video           `json:"video,omitempty"`
	Memory         *Memory          `json:"memory,omitempty"`
	Notes          []string         `json:"notes"`
	Interrupted    bool             `json:"interrupted"`
	Skipped        bool             `json:"skipped"`
	Error          string           `json:"error,omitempty"`
}

// Delivery is subscribe's and e2e's account of the records put during the
// measured time: how many were acknowledged, and how many of those reached
// a consumer before the run ended.
type Delivery struct {
	Sent     int64 `json:"sent"`
	Received int64 `json:"received"`
	Missing  int64 `json:"missing"`
}

// ShardCheck is the shards workload's verification.
type ShardCheck struct {
	CreateSeconds float64 `json:"create_seconds"`
	TotalShards   int     `json:"total_shards"`
	Written       int64   `json:"written"`
	Read          int64   `json:"read"`
	Mismatched    int     `json:"mismatched_shards"`
	Verified      bool    `json:"verified"`
}

// limitsNote is printed with every report.
const limitsNote = "for throughput runs start Sluice with `sluice --limits off`: with limits on, AWS's per-shard limits " +
	"(1 MiB/s and 1,000 records/s written, 2 MiB/s and 5 GetRecords calls/s read) cap these numbers"

func newResult(c Config) *Result {
	return &Result{
		Label: c.Label, Workload: c.Workload, Endpoint: c.Endpoint, Region: c.Region, Streams: c.Streams, Shards: c.Shards,
		RecordSize: c.RecordSize, Batch: c.Batch, Concurrency: c.Concurrency, Rate: c.Rate,
		WarmupSeconds: c.Warmup.Seconds(), DurationSeconds: c.Duration.Seconds(), ClientGOGC: c.GOGC,
		Phase:       Phase{Errors: map[string]int64{}, RecordErrors: map[string]int64{}},
		Phases:      []Phase{},
		SetupErrors: map[string]int64{},
		Notes:       []string{},
	}
}

// add appends a phase; the headline one is also inlined.
func (res *Result) add(p Phase, headline bool) {
	res.Phases = append(res.Phases, p)
	if headline {
		res.Phase = p
	}
}

func (res *Result) note(format string, args ...any) {
	res.Notes = append(res.Notes, fmt.Sprintf(format, args...))
}

// finish totals the throttling and adds the notes every report carries.
func (res *Result) finish() {
	res.ThrottledTotal = throttled(res.SetupErrors)
	for _, p := range res.Phases {
		res.ThrottledTotal += p.Throttled
		if res.CPU == nil {
			// subscribe and e2e: the headline is delivery, the work is the puts
			res.CPU = p.CPU
		}
	}
	if res.ThrottledTotal > 0 {
		res.note("THROTTLED: the endpoint refused %d calls or records for their rate; these numbers measure its limits, not its capacity", res.ThrottledTotal)
	}
	res.note("%s", limitsNote)
}

// WriteJSON writes the result as one indented JSON object.
func (res *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// WriteText writes the human report: a line of settings, a table of the
// phases, the errors by code, and a loud line when anything was throttled.
func (res *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	rate := "unbounded"
	if res.Rate > 0 {
		rate = fmt.Sprintf("%g calls/s", res.Rate)
	}
	fmt.Fprintf(&b, "sluice bench %s: %s, %d stream(s) x %d shard(s), %d-byte records, concurrency %d, rate %s",
		res.Workload, res.Endpoint, res.Streams, res.Shards, res.RecordSize, res.Concurrency, rate)
	if res.Workload != "shards" {
		fmt.Fprintf(&b, ", %gs after %gs warmup", res.DurationSeconds, res.WarmupSeconds)
	}
	fmt.Fprintf(&b, ", client GOGC %d", res.ClientGOGC)
	b.WriteString("\n\n")
	if res.Error != "" {
		fmt.Fprintf(&b, "ERROR: %s\n\n", res.Error)
	}
	if len(res.Phases) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "phase\tseconds\tcalls\tcalls/s\trecords\trecords/s\tMiB/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t")
		for _, p := range res.Phases {
			fmt.Fprintf(tw, "%s\t%.2f\t%d\t%.1f\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t\n", p.Name, p.Seconds, p.Calls, p.CallsPerSec,
				p.Records, p.RecordsPerSec, p.MiBPerSec, p.Latency.P50, p.Latency.P90, p.Latency.P99, p.Latency.Max, sum(p.Errors)+sum(p.RecordErrors))
		}
		tw.Flush()
	}
	errs := false
	for _, p := range res.Phases {
		errs = errs || len(p.Errors)+len(p.RecordErrors) > 0
	}
	if errs || len(res.SetupErrors) > 0 {
		b.WriteString("\nerrors by code:\n")
		for _, p := range res.Phases {
			writeCodes(&b, p.Name, "calls", p.Errors)
			writeCodes(&b, p.Name, "records", p.RecordErrors)
		}
		writeCodes(&b, "setup", "calls", res.SetupErrors)
	}
	if d := res.Delivery; d != nil {
		fmt.Fprintf(&b, "\ndelivery: %d records acknowledged while measuring, %d received, %d missing\n", d.Sent, d.Received, d.Missing)
	}
	if c := res.ShardCheck; c != nil {
		verdict := "verified"
		if !c.Verified {
			verdict = fmt.Sprintf("MISMATCH in %d shard(s)", c.Mismatched)
		}
		fmt.Fprintf(&b, "\nshards: %d created in %.2fs; %d records written, %d read back: %s\n", c.TotalShards, c.CreateSeconds, c.Written, c.Read, verdict)
	}
	if a := res.Analytics; a != nil {
		a.writeText(&b)
	}
	if v := res.Video; v != nil {
		v.writeText(&b)
	}
	if m := res.Memory; m != nil {
		m.writeText(&b)
	}
	if c := res.CPU; c != nil {
		fmt.Fprintf(&b, "\ncpu while measuring: client %.2fs (%.4fs per 1,000 records)", c.ClientSeconds, c.ClientSecondsPer1k)
		switch {
		case c.ServerMeasureFailed != "":
			fmt.Fprintf(&b, "; server pid %d: %s", c.ServerPID, c.ServerMeasureFailed)
		case c.ServerPID > 0:
			fmt.Fprintf(&b, "; server pid %d %.2fs (%.4fs per 1,000 records)", c.ServerPID, c.ServerSeconds, c.ServerSecondsPer1k)
		}
		b.WriteString("\n")
	}
	if len(res.Notes) > 0 {
		b.WriteString("\n")
	}
	for _, n := range res.Notes {
		if strings.HasPrefix(n, "THROTTLED") {
			fmt.Fprintf(&b, "!!! %s !!!\n", n)
		} else {
			fmt.Fprintf(&b, "note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, c := range m {
		n += c
	}
	return n
}

// writeCodes writes one line per error code, the most frequent first,
// marking throttling.
func writeCodes(b *strings.Builder, phase, unit string, m map[string]int64) {
	codes := slices.SortedFunc(maps.Keys(m), func(a, c string) int { return cmp.Or(cmp.Compare(m[c], m[a]), cmp.Compare(a, c)) })
	for _, code := range codes {
		mark := ""
		if throttling(code) {
			mark = "  (throttling)"
		}
		fmt.Fprintf(b, "  %-10s %-7s %-42s %d%s\n", phase, unit, code, m[code], mark)
	}
}
