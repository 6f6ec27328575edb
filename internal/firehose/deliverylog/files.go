package deliverylog

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File names inside a log group's directory.
const (
	fileExt     = ".jsonl"
	rotatedExt  = ".jsonl.1"
	nameExt     = ".name"  // a hashed log stream's full name
	groupFile   = ".group" // a hashed log group's full name
	maxEscaped  = 200
	keptEscaped = 150
)

// Event is one log event, as CloudWatch Logs' GetLogEvents returns it
// (OutputLogEvent) and as each line of a log stream's file holds it.
type Event struct {
	Timestamp     int64  `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	Message       string `json:"message"`
}

// escape makes a name one safe path component (see the package doc).
func escape(name string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	s := b.String()
	if len(s) <= maxEscaped {
		return s
	}
	cut := keptEscaped
	// Not in the middle of a %XX.
	if i := strings.LastIndexByte(s[cut-2:cut], '%'); i >= 0 {
		cut = cut - 2 + i
	}
	sum := sha256.Sum256([]byte(name))
	return s[:cut] + "~" + hex.EncodeToString(sum[:8])
}

// hashed reports whether an escaped name was cut and hashed.
func hashed(enc string) bool { return strings.IndexByte(enc, '~') >= 0 }

// unescape reverses escape for names that were not hashed.
func unescape(enc string) (string, bool) {
	if hashed(enc) || enc == "" {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(enc) {
			return "", false
		}
		hi, ok1 := unhex(enc[i+1])
		lo, ok2 := unhex(enc[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *Log) regionDir(account, region string) string {
	return filepath.Join(l.opts.Dir, escape(account), escape(region))
}

func (l *Log) groupDir(account, region, group string) string {
	return filepath.Join(l.regionDir(account, region), escape(group))
}

// append writes one event to a log stream's file, rotating it when full.
// Failures are logged (once until the next success), never returned: the
// error is still in the recent list.
func (l *Log) append(account, region, group, stream string, timestamp int64, msg string) {
	l.files.Lock()
	defer l.files.Unlock()
	dir := l.groupDir(account, region, group)
	enc := escape(stream)
	path := filepath.Join(dir, enc+fileExt)
	st := l.streams[path]
	var prefix string
	if st == nil {
		last, torn, err := l.open(dir, group, enc, stream, path)
		if err != nil {
			l.failed(path, &streamState{}, err)
			return
		}
		st = &streamState{lastIngest: last}
		l.streams[path] = st
		if torn {
			prefix = "\n"
		}
	}
	ingest := max(l.opts.Now().UnixMilli(), st.lastIngest)
	line, _ := json.Marshal(Event{Timestamp: timestamp, IngestionTime: ingest, Message: msg})
	line = append(line, '\n')
	if err := l.write(path, prefix, line); err != nil {
		// The file's end is unknown now: look at it again next time.
		delete(l.streams, path)
		l.failed(path, st, err)
		return
	}
	st.lastIngest = ingest
	if st.failing {
		st.failing = false
		l.log.Info("writing the delivery error log works again", "file", path)
	}
}

func (l *Log) failed(path string, st *streamState, err error) {
	if !st.failing {
		l.log.Error("cannot write the delivery error log; errors are still listed in the console", "file", path, "err", err)
	}
	st.failing = true
}

// open prepares a log stream's directory on its first write since start and
// returns its file's last ingestion time and whether its last line is torn
// (no newline).
func (l *Log) open(dir, group, enc, stream, path string) (int64, bool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, false, err
	}
	if hashed(filepath.Base(dir)) {
		if err := writeName(filepath.Join(dir, groupFile), group); err != nil {
			return 0, false, err
		}
	}
	if hashed(enc) {
		if err := writeName(filepath.Join(dir, enc+nameExt), stream); err != nil {
			return 0, false, err
		}
	}
	last, torn, err := lastEvent(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	return last.IngestionTime, torn, err
}

func writeName(path, name string) error {
	if b, err := os.ReadFile(path); err == nil && string(b) == name {
		return nil
	}
	return os.WriteFile(path, []byte(name), 0o600)
}

// write appends prefix+line, first rotating the file if line would take it
// past the bound.
func (l *Log) write(path, prefix string, line []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if fi.Size() > 0 && fi.Size()+int64(len(prefix)+len(line)) > l.opts.MaxFileBytes {
		f.Close()
		if err := os.Rename(path, strings.TrimSuffix(path, fileExt)+rotatedExt); err != nil {
			return err
		}
		if f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
			return err
		}
		prefix = ""
	}
	_, err = f.Write(append([]byte(prefix), line...))
	return errors.Join(err, f.Close())
}

// tailWindow is how much of a file's end lastEvent reads: more than any
// line (MaxMessageBytes escaped as JSON twice is at most ~200 KiB).
const tailWindow = 512 << 10

// lastEvent returns the last whole event of a file and whether the file
// ends without a newline.
func lastEvent(path string) (Event, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return Event{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Event{}, false, err
	}
	start := max(fi.Size()-tailWindow, 0)
	buf := make([]byte, fi.Size()-start)
	if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
		return Event{}, false, err
	}
	torn := len(buf) > 0 && buf[len(buf)-1] != '\n'
	lines := strings.Split(string(buf), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if e, ok := parseLine([]byte(lines[i])); ok {
			return e, torn, nil
		}
	}
	return Event{}, torn, nil
}

// maxLine bounds a line readers take; longer ones (never written) are
// skipped.
const maxLine = 1 << 20

// readEvents appends a file's events to out; a missing file adds none.
func readEvents(path string, out []Event) ([]Event, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var long bool // inside a line longer than maxLine
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if !long {
				line = append(line, chunk...)
				if len(line) > maxLine {
					long, line = true, line[:0]
				}
			}
			continue
		case err != nil && err != io.EOF:
			return out, err
		}
		if !long && err == nil { // a torn last line (EOF without newline) is skipped
			line = append(line, chunk...)
			if e, ok := parseLine(line); ok {
				out = append(out, e)
			}
		}
		long, line = false, line[:0]
		if err == io.EOF {
			return out, nil
		}
	}
}

// parseLine decodes one line; anything else than an event is skipped.
func parseLine(b []byte) (Event, bool) {
	var e Event
	if len(b) == 0 || json.Unmarshal(b, &e) != nil {
		return Event{}, false
	}
	return e, true
}
