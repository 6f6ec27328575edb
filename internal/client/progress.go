package client

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progressMode says how a long run reports progress on stderr.
type progressMode struct {
	// tty rewrites one line in place (\r); otherwise a line is printed
	// every interval.
	tty bool
	// off shows nothing.
	off bool
	// delay is how long a run must last before the first report, so short
	// runs stay quiet; every is the interval after it.
	delay, every time.Duration
}

// Modes for a terminal and for a log file or pipe.
var (
	ttyProgress  = progressMode{tty: true, delay: time.Second, every: 500 * time.Millisecond}
	lineProgress = progressMode{delay: 5 * time.Second, every: 5 * time.Second}
)

// progress draws a status line on stderr from a render function, called on
// the progress goroutine only. Other messages for stderr go through Logf,
// which first erases a drawn line.
type progress struct {
	w      io.Writer
	mode   progressMode
	render func() string
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once

	mu    sync.Mutex
	drawn bool // a line is on the terminal
}

// startProgress starts reporting; Stop ends it.
func startProgress(w io.Writer, mode progressMode, render func() string) *progress {
	p := &progress{w: w, mode: mode, render: render, stop: make(chan struct{}), done: make(chan struct{})}
	if mode.off {
		close(p.done)
		return p
	}
	go p.run()
	return p
}

func (p *progress) run() {
	defer close(p.done)
	t := time.NewTimer(p.mode.delay)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.erase()
			return
		case <-t.C:
		}
		line := p.render()
		p.mu.Lock()
		if p.mode.tty {
			fmt.Fprintf(p.w, "\r%s\x1b[K", line)
			p.drawn = true
		} else {
			fmt.Fprintln(p.w, line)
		}
		p.mu.Unlock()
		t.Reset(p.mode.every)
	}
}

func (p *progress) erase() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// Logf writes a message line to stderr, erasing the progress line first
// (the next report draws it again).
func (p *progress) Logf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintf(p.w, format+"\n", a...)
}

// Stop stops reporting and erases the line from a terminal. The caller
// may write to stderr directly once it returns.
func (p *progress) Stop() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

// rate turns a growing counter into a per-second rate between calls (the
// first since the time it starts with).
type rate struct {
	last  int64
	since time.Time
}

func (r *rate) per(now time.Time, n int64) float64 {
	d := now.Sub(r.since).Seconds()
	v := 0.0
	if d > 0 {
		v = float64(n-r.last) / d
	}
	r.last, r.since = n, now
	return v
}
