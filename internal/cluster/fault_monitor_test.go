package cluster_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// monitor watches the test process itself while faults are injected: etcd
// runs inside it, so a stall of the test process (scheduling, GC) stalls
// the whole cluster and must not be mistaken for a defect of the nodes. It
// ticks every 100 ms and reads etcd directly every 500 ms, and keeps the
// late ticks and slow reads.
type monitor struct {
	begin time.Time // of the test, for the times of events

	mu     sync.Mutex
	events []string
	worst  time.Duration // the latest tick
	slow   time.Duration // the slowest etcd read
}

const (
	tick     = 100 * time.Millisecond
	lateTick = 500 * time.Millisecond
	slowRead = time.Second
)

func (m *monitor) run(ctx context.Context, etcd []string) {
	cli, err := clientv3.New(clientv3.Config{Endpoints: etcd, DialTimeout: 2 * time.Second})
	if err != nil {
		m.note(time.Now(), "monitor: no etcd client: %v", err)
		return
	}
	defer cli.Close()
	var wg sync.WaitGroup
	wg.Go(func() {
		last := time.Now()
		for ctx.Err() == nil {
			sleep(ctx, tick)
			now := time.Now()
			if late := now.Sub(last) - tick; late > lateTick {
				m.note(last, "the test process stalled for %v", late.Round(time.Millisecond))
			}
			m.mu.Lock()
			m.worst = max(m.worst, now.Sub(last)-tick)
			m.mu.Unlock()
			last = now
		}
	})
	wg.Go(func() {
		for ctx.Err() == nil {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			start := time.Now()
			_, err := cli.Get(rctx, "/monitor")
			cancel()
			d := time.Since(start)
			if ctx.Err() != nil {
				return
			}
			if err != nil || d > slowRead {
				m.note(start, "an etcd read took %v: %v", d.Round(time.Millisecond), err)
			}
			m.mu.Lock()
			m.slow = max(m.slow, d)
			m.mu.Unlock()
			sleep(ctx, 500*time.Millisecond)
		}
	})
	wg.Wait()
}

func (m *monitor) note(at time.Time, format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.events) < 50 {
		m.events = append(m.events, fmt.Sprintf("%5.1fs ", at.Sub(m.begin).Seconds())+fmt.Sprintf(format, args...))
	}
}

// String summarises what the monitor saw.
func (m *monitor) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := fmt.Sprintf("test process: latest tick %v late, slowest etcd read %v", m.worst.Round(time.Millisecond), m.slow.Round(time.Millisecond))
	for _, e := range m.events {
		s += "\n\t" + e
	}
	return s
}
