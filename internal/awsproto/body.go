package awsproto

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"sync"
	"time"
)

// readChunk is how much of a body is read, and hashed, at a time: small
// enough that the bytes are still in cache when they are hashed, so a body
// is read and hashed in one pass.
const readChunk = 256 << 10

// drainLimit is the most of an unread body worth reading (and dropping) to
// keep a connection for the next request; past it, the answer closes the
// connection instead.
const drainLimit = 64 << 10

// errBusy is a body the budget could not make room for in time.
var errBusy = errors.New("awsproto: no room in the in-flight body budget")

// body is a request body read into a pooled buffer, with its reservation
// in the budget; release gives both back once the answer is written.
type body struct {
	buf      *[]byte
	sha256   string // hex, when the body was hashed
	reserved int64
}

func (h *Handler) release(b body) {
	if b.buf != nil {
		h.buffers.put(b.buf)
	}
	h.budget.Release(b.reserved)
}

var hashers = sync.Pool{New: func() any { return sha256.New() }}

// readBody reads the whole body, within the budget, by deadline (which
// bounds the wait for budget and the read together), and no more than
// limit bytes of it (a body of unknown length past limit is an
// *http.MaxBytesError; one of known length was checked before). With
// hashed set it hashes the body as it arrives. On error nothing is held.
func (h *Handler) readBody(r *http.Request, hashed bool, deadline time.Time, limit int64) (body, error) {
	var sum hash.Hash
	if hashed {
		sum = hashers.Get().(hash.Hash)
		sum.Reset()
		defer hashers.Put(sum)
	}
	b := body{}
	var err error
	if r.ContentLength > 0 {
		b, err = h.readKnown(r, sum, deadline)
	} else {
		b, err = h.readChunked(r, sum, deadline, limit)
	}
	if err != nil {
		h.release(b)
		return body{}, err
	}
	if sum != nil {
		var digest [sha256.Size]byte
		b.sha256 = hex.EncodeToString(sum.Sum(digest[:0]))
	}
	return b, nil
}

// reserve takes n bytes of budget, waiting until deadline if it must.
func (h *Handler) reserve(n int64, deadline time.Time) (int64, error) {
	if got, ok := h.budget.TryAcquire(n); ok {
		return got, nil
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	got, err := h.budget.Acquire(ctx, n)
	if err != nil {
		return 0, errBusy
	}
	return got, nil
}

// readKnown reads a body of known length (already checked against the
// limit): it reserves the whole length before the first byte.
func (h *Handler) readKnown(r *http.Request, sum hash.Hash, deadline time.Time) (body, error) {
	n := r.ContentLength
	reserved, err := h.reserve(n, deadline)
	if err != nil {
		return body{}, err
	}
	b := body{buf: h.buffers.get(), reserved: reserved}
	if int64(cap(*b.buf)) < n {
		*b.buf = make([]byte, n)
	}
	buf := (*b.buf)[:n]
	for off := int64(0); off < n; {
		end := min(off+readChunk, n)
		if _, err := io.ReadFull(r.Body, buf[off:end]); err != nil {
			return b, err
		}
		if sum != nil {
			sum.Write(buf[off:end])
		}
		off = end
	}
	*b.buf = buf
	return b, nil
}

// readChunked reads a body of unknown length, reserving budget as the body
// grows (doubling, never past limit and the one byte that tells a body
// over it), without waiting: a body that outgrows what is free is refused
// rather than left holding part of the budget while it waits for more.
func (h *Handler) readChunked(r *http.Request, sum hash.Hash, deadline time.Time, limit int64) (body, error) {
	reserved, err := h.reserve(readChunk, deadline)
	if err != nil {
		return body{}, err
	}
	b := body{buf: h.buffers.get(), reserved: reserved}
	rd := http.MaxBytesReader(nil, r.Body, limit)
	buf := (*b.buf)[:0]
	for {
		if len(buf) == cap(buf) {
			// The larger buffer is reserved whole before it is made, so
			// that the memory bodies take, copies included, stays within
			// the budget.
			size := min(2*int64(cap(buf))+readChunk, limit+1)
			if size > b.reserved {
				more, ok := h.budget.TryAcquire(size - b.reserved)
				if !ok {
					*b.buf = buf
					return b, errBusy
				}
				b.reserved += more
			}
			grown := make([]byte, len(buf), size)
			copy(grown, buf)
			buf = grown
		}
		end := min(cap(buf), len(buf)+readChunk)
		for int64(end) > b.reserved {
			more, ok := h.budget.TryAcquire(b.reserved)
			if !ok {
				*b.buf = buf
				return b, errBusy
			}
			b.reserved += more
		}
		n, err := rd.Read(buf[len(buf):end])
		if sum != nil {
			sum.Write(buf[len(buf) : len(buf)+n])
		}
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*b.buf = buf
			return b, err
		}
	}
	*b.buf = buf
	return b, nil
}

// closeUnread makes an answer given without reading a large body close the
// connection (HTTP/1), so that the server does not read the rest of it
// only to drop it. HTTP/2 resets the stream on its own and must not close a
// connection other streams share.
func closeUnread(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 1 && (r.ContentLength < 0 || r.ContentLength > drainLimit) {
		w.Header().Set("Connection", "close")
	}
}
