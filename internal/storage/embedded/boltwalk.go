package embedded

import (
	"encoding/binary"
	"fmt"
)

// boltWalk checks, without bbolt, that every page bbolt could reach in the
// file (b, the whole file) lies inside it and that every element of every
// page lies inside its page. bbolt trusts both: a damaged count or key
// length makes it read far past a page, or loop over billions of elements
// in its own consistency check. meta is the meta page bbolt will use.
//
// bbolt's layout (go.etcd.io/bbolt internal/common): a page is a 16-byte
// header (id u64, flags u16, count u16, overflow u32) and count elements
// of 16 bytes; a branch element is pos u32, ksize u32, child pgid u64; a
// leaf element is flags u32, pos u32, ksize u32, vsize u32, with its key
// at the element's address + pos and its value after the key. A leaf
// element flagged 1 is a bucket: its value is the bucket's root pgid u64
// and sequence u64, followed, when the root is 0, by the bucket's inline
// page. A freelist page's elements are pgids (u64); a count of 0xFFFF
// means the first holds the real count.
func boltWalk(b []byte, meta boltMetaPage) error {
	w := boltWalker{b: b, pageSize: int64(meta.pageSize), hw: meta.pgid, seen: map[uint64]bool{}, seenInline: map[int]bool{}}
	if meta.freelist != boltNoFreelist {
		if err := w.freelist(meta.freelist); err != nil {
			return err
		}
	}
	return w.tree(meta.root, 0)
}

const (
	boltBranchPage   = 0x01
	boltLeafPage     = 0x02
	boltFreelistPage = 0x10
	boltBucketLeaf   = 0x01
	boltElementSize  = 16
	boltMaxDepth     = 64
	boltNoFreelist   = ^uint64(0)
)

type boltWalker struct {
	b        []byte
	pageSize int64
	hw       uint64 // pages [0, hw) are in use
	seen     map[uint64]bool
	// seenInline holds the file offsets of inline bucket pages: two
	// elements sharing one would make the walk (and bbolt's) exponential.
	seenInline map[int]bool
}

// page returns the bytes of page id (with its overflow pages), checking
// its header.
func (w *boltWalker) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hw || w.seen[id] {
		return nil, fmt.Errorf("page %d is out of range or referenced twice", id)
	}
	w.seen[id] = true
	off := int64(id) * w.pageSize
	if off+16 > int64(len(w.b)) {
		return nil, fmt.Errorf("page %d lies past the end of the file", id)
	}
	le := binary.LittleEndian
	if got := le.Uint64(w.b[off:]); got != id {
		return nil, fmt.Errorf("page %d calls itself page %d", id, got)
	}
	overflow := uint64(le.Uint32(w.b[off+12:]))
	if id+overflow >= w.hw {
		return nil, fmt.Errorf("page %d overflows past the pages in use", id)
	}
	end := off + int64(overflow+1)*w.pageSize
	if end > int64(len(w.b)) {
		return nil, fmt.Errorf("page %d lies past the end of the file", id)
	}
	return w.b[off:end], nil
}

func (w *boltWalker) freelist(id uint64) error {
	p, err := w.page(id)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	le := binary.LittleEndian
	if le.Uint16(p[8:]) != boltFreelistPage {
		return fmt.Errorf("freelist page %d has the wrong type", id)
	}
	count, first := uint64(le.Uint16(p[10:])), uint64(0)
	if count == 0xFFFF {
		if len(p) < 24 {
			return fmt.Errorf("freelist page %d is too short", id)
		}
		count, first = le.Uint64(p[16:]), 1
	}
	if count > uint64(len(p)-16)/8-first {
		return fmt.Errorf("freelist page %d lists more pages than it holds", id)
	}
	for i := range count {
		if pg := le.Uint64(p[16+8*(first+i):]); pg < 2 || pg >= w.hw {
			return fmt.Errorf("freelist page %d frees page %d, out of range", id, pg)
		}
	}
	return nil
}

// tree checks the bucket tree rooted at page id.
func (w *boltWalker) tree(id uint64, depth int) error {
	if depth > boltMaxDepth {
		return fmt.Errorf("bucket tree deeper than %d", boltMaxDepth)
	}
	p, err := w.page(id)
	if err != nil {
		return err
	}
	return w.nodes(p, id, depth)
}

// nodes checks the elements of page p (a page of the file, or an inline
// bucket's page), then the pages and buckets they lead to.
func (w *boltWalker) nodes(p []byte, id uint64, depth int) error {
	le := binary.LittleEndian
	if len(p) < 16 {
		return fmt.Errorf("page %d is too short", id)
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if 16+count*boltElementSize > len(p) {
		return fmt.Errorf("page %d holds fewer elements than it counts", id)
	}
	for i := range count {
		e := 16 + i*boltElementSize
		switch flags {
		case boltBranchPage:
			pos, ksize := int64(le.Uint32(p[e:])), int64(le.Uint32(p[e+4:]))
			if int64(e)+pos+ksize > int64(len(p)) {
				return fmt.Errorf("page %d: element %d lies past the page", id, i)
			}
			if err := w.tree(le.Uint64(p[e+8:]), depth+1); err != nil {
				return err
			}
		case boltLeafPage:
			eflags, pos := le.Uint32(p[e:]), int64(le.Uint32(p[e+4:]))
			ksize, vsize := int64(le.Uint32(p[e+8:])), int64(le.Uint32(p[e+12:]))
			vstart := int64(e) + pos + ksize
			if vstart+vsize > int64(len(p)) {
				return fmt.Errorf("page %d: element %d lies past the page", id, i)
			}
			if eflags&boltBucketLeaf == 0 {
				continue
			}
			v := p[vstart : vstart+vsize]
			if len(v) < 16 {
				return fmt.Errorf("page %d: bucket %d has a short header", id, i)
			}
			if root := le.Uint64(v); root != 0 {
				if err := w.tree(root, depth+1); err != nil {
					return err
				}
				continue
			}
			inline := v[16:]
			if at := cap(w.b) - cap(inline); w.seenInline[at] {
				return fmt.Errorf("page %d: bucket %d shares its inline page", id, i)
			} else {
				w.seenInline[at] = true
			}
			if err := w.nodes(inline, id, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("page %d has type %#x where a branch or leaf page belongs", id, flags)
		}
	}
	return nil
}
