package deliverylog

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The errors of the readers (CloudWatch Logs' ResourceNotFoundException).
var (
	ErrNoGroup  = errors.New("no such log group")
	ErrNoStream = errors.New("no such log stream")
)

// Group is a log group as DescribeLogGroups describes it.
type Group struct {
	Name string
	// Created is the earliest ingestion time of its events (ms); Sluice
	// creates a group with its first event.
	Created     int64
	StoredBytes int64
}

// Stream is a log stream as DescribeLogStreams describes it (times in
// Unix milliseconds, 0 when unknown).
type Stream struct {
	Name                  string
	Created               int64 // its oldest event's ingestion time
	FirstEvent, LastEvent int64 // timestamps
	LastIngestion         int64
	StoredBytes           int64
}

// streamFiles are the files of one log stream found in a directory.
type streamFiles struct {
	name                     string
	currentPath, rotatedPath string
	currentSize, rotatedSize int64
}

// Events returns every event a log stream holds, oldest first (the
// rotated file's, then the current file's).
func (l *Log) Events(account, region, group, stream string) ([]Event, error) {
	if l.opts.Dir == "" || group == "" {
		return nil, ErrNoGroup
	}
	l.files.RLock()
	defer l.files.RUnlock()
	dir := l.groupDir(account, region, group)
	if _, err := os.Stat(dir); err != nil {
		return nil, ErrNoGroup
	}
	base := filepath.Join(dir, escape(stream))
	_, err1 := os.Stat(base + fileExt)
	_, err2 := os.Stat(base + rotatedExt)
	if err1 != nil && err2 != nil {
		return nil, ErrNoStream
	}
	out, err := readEvents(base+rotatedExt, nil)
	if err != nil {
		return nil, err
	}
	return readEvents(base+fileExt, out)
}

// Groups lists an account's log groups in a region, by name.
func (l *Log) Groups(account, region string) ([]Group, error) {
	if l.opts.Dir == "" {
		return nil, nil
	}
	l.files.RLock()
	defer l.files.RUnlock()
	dir := l.regionDir(account, region)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name, ok := dirName(filepath.Join(dir, e.Name()), e.Name(), groupFile)
		if !ok {
			continue
		}
		streams, err := l.listStreams(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		g := Group{Name: name}
		for _, s := range streams {
			g.StoredBytes += s.StoredBytes
			if s.Created != 0 && (g.Created == 0 || s.Created < g.Created) {
				g.Created = s.Created
			}
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Streams lists a log group's log streams, by name.
func (l *Log) Streams(account, region, group string) ([]Stream, error) {
	if l.opts.Dir == "" || group == "" {
		return nil, ErrNoGroup
	}
	l.files.RLock()
	defer l.files.RUnlock()
	dir := l.groupDir(account, region, group)
	if _, err := os.Stat(dir); err != nil {
		return nil, ErrNoGroup
	}
	return l.listStreams(dir)
}

// listStreams lists the log streams of a group's directory (files locked).
func (l *Log) listStreams(dir string) ([]Stream, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	byEnc := map[string]*streamFiles{}
	for _, e := range entries {
		var enc string
		var rotated bool
		switch n := e.Name(); {
		case e.IsDir() || strings.HasPrefix(n, "."):
			continue
		case strings.HasSuffix(n, fileExt):
			enc = strings.TrimSuffix(n, fileExt)
		case strings.HasSuffix(n, rotatedExt):
			enc, rotated = strings.TrimSuffix(n, rotatedExt), true
		default:
			continue
		}
		sf := byEnc[enc]
		if sf == nil {
			name, ok := dirName(dir, enc, enc+nameExt)
			if !ok {
				continue
			}
			sf = &streamFiles{name: name}
			byEnc[enc] = sf
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		path := filepath.Join(dir, e.Name())
		if rotated {
			sf.rotatedPath, sf.rotatedSize = path, info.Size()
		} else {
			sf.currentPath, sf.currentSize = path, info.Size()
		}
	}
	out := make([]Stream, 0, len(byEnc))
	for _, sf := range byEnc {
		s := Stream{Name: sf.name, StoredBytes: sf.currentSize + sf.rotatedSize}
		oldest, newest := sf.currentPath, sf.currentPath
		if sf.rotatedPath != "" {
			oldest = sf.rotatedPath
			if sf.currentSize == 0 {
				newest = sf.rotatedPath
			}
		}
		if first, ok := firstEvent(oldest); ok {
			s.Created, s.FirstEvent = first.IngestionTime, first.Timestamp
		}
		if last, _, err := lastEvent(newest); err == nil && last.IngestionTime != 0 {
			s.LastEvent, s.LastIngestion = last.Timestamp, last.IngestionTime
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Stream) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// dirName is the name an escaped directory or file name stands for; a
// hashed one's full name is in the file sidecar beside it.
func dirName(dir, enc, sidecar string) (string, bool) {
	if !hashed(enc) {
		return unescape(enc)
	}
	b, err := os.ReadFile(filepath.Join(dir, sidecar))
	if err != nil || escape(string(b)) != enc {
		return "", false
	}
	return string(b), true
}

// firstEvent returns a file's first event.
func firstEvent(path string) (Event, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Event{}, false
	}
	defer f.Close()
	buf := make([]byte, tailWindow)
	n, _ := io.ReadFull(f, buf)
	for line := range strings.SplitSeq(string(buf[:n]), "\n") {
		if e, ok := parseLine([]byte(line)); ok {
			return e, true
		}
	}
	return Event{}, false
}
