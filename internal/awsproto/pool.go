package awsproto

import "sync"

// bufferPool reuses request bodies and hand-encoded responses: a PutRecords
// body or a GetRecords answer is up to 16 MiB, and allocating (and zeroing)
// that per request is most of what a busy server would otherwise do.
type bufferPool struct{ pool sync.Pool }

// maxPooled keeps the pool from pinning the rare huge buffer.
const maxPooled = 17 << 20

func (p *bufferPool) get() *[]byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 64<<10)
	return &b
}

func (p *bufferPool) put(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	p.pool.Put(b)
}
