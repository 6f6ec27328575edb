package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
)

// maxLine bounds a line readers take; longer ones (never written) are
// skipped.
const maxLine = 1 << 20

// scanLines calls fn with each whole line of r (a torn last line, without
// its newline, is left) and returns how many bytes the whole lines took.
func scanLines(r io.Reader, fn func(line []byte)) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var consumed int64
	var line []byte
	long := false // inside a line longer than maxLine
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if !long {
				line = append(line, chunk...)
				if len(line) > maxLine {
					long, line = true, line[:0]
				}
			}
			consumed += int64(len(chunk))
			continue
		case err == io.EOF:
			// A torn line: not consumed, so that a follower reads it
			// whole once its end arrives.
			return consumed - int64(len(line)), nil
		case err != nil:
			return consumed, err
		}
		consumed += int64(len(chunk))
		if !long {
			line = append(line, chunk...)
			fn(line[:len(line)-1])
		}
		long, line = false, line[:0]
	}
}

// parseEvent decodes one line; anything else than an event is skipped.
func parseEvent(line []byte) (Event, bool) {
	var e Event
	if len(line) == 0 || json.Unmarshal(line, &e) != nil || e.EventTime == "" {
		return Event{}, false
	}
	return e, true
}

// follower reads a log file's lines in order, across rotations: the file
// it has open, once renamed to .1, is read to its end before the new file.
type follower struct {
	path string
	f    *os.File
	off  int64
}

// readRotated reads the whole of path.1, the events before the file's.
func (fw *follower) readRotated(fn func([]byte)) error {
	f, err := os.Open(fw.path + ".1")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = scanLines(f, fn)
	return err
}

// next reads the lines appended since the last call, following a
// rotation or a truncation. A missing file has no lines yet.
func (fw *follower) next(fn func([]byte)) error {
	if fw.f == nil {
		f, err := os.Open(fw.path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		fw.f, fw.off = f, 0
	}
	if err := fw.readFrom(fn); err != nil {
		return err
	}
	cur, err := fw.f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(fw.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // between the rename and the new file
	case err != nil:
		return err
	case !os.SameFile(cur, now):
		// Rotated: what was left of the old file has been read; the new
		// one is read from its start.
		fw.f.Close()
		fw.f = nil
		return fw.next(fn)
	case now.Size() < fw.off:
		fw.off = 0 // truncated
		return fw.readFrom(fn)
	}
	return nil
}

func (fw *follower) readFrom(fn func([]byte)) error {
	if _, err := fw.f.Seek(fw.off, io.SeekStart); err != nil {
		return err
	}
	n, err := scanLines(fw.f, fn)
	fw.off += n
	return err
}

func (fw *follower) close() {
	if fw.f != nil {
		fw.f.Close()
	}
}
