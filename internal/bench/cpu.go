package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// CPU is the processor time the server (-server-pid) and this client spent
// during the measured window of a timed workload, and per 1,000 records of
// its measured phase: on a shared machine CPU time per unit of work is
// steadier than throughput, which depends on what else runs.
type CPU struct {
	Records             int64   `json:"records"`
	ServerPID           int     `json:"server_pid,omitempty"`
	ServerSeconds       float64 `json:"server_seconds,omitempty"`
	ServerSecondsPer1k  float64 `json:"server_seconds_per_1k_records,omitempty"`
	ClientSeconds       float64 `json:"client_seconds"`
	ClientSecondsPer1k  float64 `json:"client_seconds_per_1k_records"`
	ServerMeasureFailed string  `json:"server_error,omitempty"`
}

// userHZ is the unit of the times in /proc/<pid>/stat: USER_HZ, which the
// Linux ABI fixes at 100 on every architecture Go supports.
const userHZ = 100

// procCPU returns the user+system time of process pid ("self" for this
// one) from /proc/<pid>/stat. Threads are included; children are not.
func procCPU(pid string) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, err
	}
	return parseStat(b)
}

// parseStat reads utime and stime (fields 14 and 15) from a stat line. The
// command name (field 2) is in parentheses and may hold spaces and
// parentheses itself, so the fields are counted after its last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat line without a command name")
	}
	fields := bytes.Fields(b[i+1:]) // fields 3 onwards
	if len(fields) < 13 {
		return 0, fmt.Errorf("stat line with %d fields after the name", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("stat time %q", f)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// cpuMeter samples the CPU times at the start of the measured window and
// again when the phase is over.
type cpuMeter struct {
	pid                  int
	server, client       time.Duration
	serverErr, clientErr error
	started              chan struct{}
}

// startCPU samples at from (waiting for it in the background), so the
// warmup's work is left out like its calls are.
func startCPU(ctx context.Context, pid int, from time.Time) *cpuMeter {
	m := &cpuMeter{pid: pid, started: make(chan struct{})}
	go func() {
		defer close(m.started)
		if d := time.Until(from); d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
			case <-t.C:
			}
		}
		m.server, m.serverErr = m.sample()
		m.client, m.clientErr = procCPU("self")
	}()
	return m
}

func (m *cpuMeter) sample() (time.Duration, error) {
	if m.pid <= 0 {
		return 0, nil
	}
	return procCPU(strconv.Itoa(m.pid))
}

// stop samples again and returns the usage for the records the phase
// counted.
func (m *cpuMeter) stop(records int64) *CPU {
	<-m.started
	server, serverErr := m.sample()
	client, clientErr := procCPU("self")
	c := &CPU{Records: records, ServerPID: m.pid}
	per1k := func(d time.Duration) float64 {
		if records == 0 {
			return 0
		}
		return round(d.Seconds()*1000/float64(records), 4)
	}
	if err := firstErr(clientErr, m.clientErr); err == nil {
		d := client - m.client
		c.ClientSeconds, c.ClientSecondsPer1k = round(d.Seconds(), 2), per1k(d)
	}
	if m.pid > 0 {
		if err := firstErr(serverErr, m.serverErr); err != nil {
			c.ServerMeasureFailed = err.Error()
		} else {
			d := server - m.server
			c.ServerSeconds, c.ServerSecondsPer1k = round(d.Seconds(), 2), per1k(d)
		}
	}
	return c
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
