package mkv

import (
	"encoding/binary"
	"io"
	"math/bits"
)

// reserve is the room left before an unknown-size cluster's children for
// the ID (4 bytes) and known size (at most 8) it is written back with.
const reserve = 12

// The capacity a cluster's buffer starts with: what its size says up to
// 1 MiB (a 2 s fragment at 4 Mbit/s) when known, otherwise 256 KiB. It
// grows from there, so an untrue size does not cost its memory.
const (
	initialKnownClusterCap = 1 << 20
	initialClusterCap      = 256 << 10
)

// maxTimecode bounds cluster timecodes so that adding a block's relative
// timecode and a lace's offset cannot overflow.
const maxTimecode = 1 << 62

// clusterState is what readCluster knows of the cluster it is reading.
type clusterState struct {
	timecode int64
	tcSeen   bool
	delta    int64 // stream offset minus buffer index, for the children
	frames   []Frame
	spans    [][2]int // frames' Data as buffer indexes
	sizes    []int    // lace sizes, reused
}

// readCluster reads the Cluster element the body is at.
func (r *Reader) readCluster() (*Cluster, error) {
	start := r.off
	_, size, head, err := r.readHead()
	if err != nil {
		return nil, r.eofIsTruncation(err, "a Cluster", start)
	}
	limit := r.lim.MaxClusterBytes
	known := size != unknownSize
	var buf []byte
	var end int64
	cs := &clusterState{}
	if known {
		if room := limit - len(head); room < 0 || size > uint64(room) {
			return nil, errorf(ErrorFragmentTooLarge, start, "Cluster of %d bytes, more than the %d allowed", size+uint64(len(head)), limit)
		}
		end = r.off + int64(size)
		if r.segEnd >= 0 && end > r.segEnd {
			return nil, invalidf(start, "Cluster of %d bytes runs past the end of its Segment at byte %d", size, r.segEnd)
		}
		// Grown as the bytes arrive, up to the size: a size alone does not
		// make the reader allocate it.
		buf = make([]byte, len(head), min(len(head)+int(size), initialKnownClusterCap))
		copy(buf, head)
		cs.delta = start
		limit = len(head) + int(size)
	} else {
		buf = make([]byte, reserve, min(limit, initialClusterCap)+reserve)
		cs.delta = r.off - reserve
	}
	for {
		if known && r.off == end {
			break
		}
		if !known && r.segEnd >= 0 && r.off == r.segEnd {
			break
		}
		childStart := r.off
		id, _, err := r.peekID()
		if err == io.EOF {
			if known {
				return nil, r.truncated("the Cluster", start)
			}
			break
		}
		if err != nil {
			return nil, err
		}
		if !known && topLevel(id) {
			break
		}
		_, csize, chead, err := r.readHead()
		if err != nil {
			return nil, err
		}
		if csize == unknownSize {
			return nil, invalidf(childStart, "Cluster child 0x%X of unknown size", id)
		}
		if known && runsPast(r.off, csize, end) {
			return nil, invalidf(childStart, "%s of %d bytes runs past the end of its Cluster at byte %d", elementName(id), csize, end)
		}
		if !known {
			if r.segEnd >= 0 && runsPast(r.off, csize, r.segEnd) {
				return nil, invalidf(childStart, "%s of %d bytes runs past the end of its Segment at byte %d", elementName(id), csize, r.segEnd)
			}
			// The Raw this child makes: the Cluster's ID and size, then the
			// children so far and this one.
			if body := uint64(len(buf)-reserve+len(chead)) + csize; csize > uint64(limit) || uint64(4+sizeLen(body))+body > uint64(limit) {
				return nil, errorf(ErrorFragmentTooLarge, start, "Cluster of more than the %d bytes allowed (its %s at byte %d has %d)", limit, elementName(id), childStart, csize)
			}
		}
		buf = append(buf, chead...)
		bodyPos := len(buf)
		if known {
			buf = grow(buf, int(csize), limit)
		} else {
			buf = grow(buf, int(csize), limit+reserve)
		}
		buf = buf[:bodyPos+int(csize)]
		if err := r.readFull(buf[bodyPos:], "a Cluster", start); err != nil {
			return nil, err
		}
		if err := r.clusterChild(cs, id, buf[bodyPos:], childStart, r.off-int64(csize)); err != nil {
			return nil, err
		}
	}
	if !cs.tcSeen {
		return nil, invalidf(start, "Cluster without a Timecode")
	}
	raw := buf
	if !known {
		var h [reserve]byte
		hb := appendSize(appendID(h[:0], idCluster), uint64(len(buf)-reserve))
		raw = buf[reserve-len(hb):]
		copy(raw, hb)
	}
	for i, s := range cs.spans {
		cs.frames[i].Data = buf[s[0]:s[1]:s[1]]
	}
	return &Cluster{Timecode: cs.timecode, Raw: raw, Frames: cs.frames}, nil
}

// runsPast reports whether a body of size bytes at off ends beyond end
// (off itself may be beyond end: its head crossed it).
func runsPast(off int64, size uint64, end int64) bool {
	return off > end || size > uint64(end-off)
}

// grow makes room for n more bytes in buf, never beyond a capacity of
// limit (the caller has checked len(buf)+n <= limit).
func grow(buf []byte, n, limit int) []byte {
	need := len(buf) + n
	if need <= cap(buf) {
		return buf
	}
	c := min(max(2*cap(buf), need), limit)
	nb := make([]byte, len(buf), c)
	copy(nb, buf)
	return nb
}

// clusterChild interprets a Cluster child whose body is b; off and bodyOff
// are the offsets of its head and body.
func (r *Reader) clusterChild(cs *clusterState, id uint32, b []byte, off, bodyOff int64) error {
	switch id {
	case idTimecode:
		if cs.tcSeen {
			return invalidf(off, "a second Timecode in the Cluster")
		}
		v, err := uintField(b, id, off)
		if err != nil {
			return err
		}
		if v >= maxTimecode {
			return invalidf(off, "Cluster Timecode %d out of range", v)
		}
		cs.timecode, cs.tcSeen = int64(v), true
		if r.lim.OnClusterStart != nil {
			r.lim.OnClusterStart(cs.timecode)
		}
	case idSimpleBlock:
		if !cs.tcSeen {
			return invalidf(off, "SimpleBlock before the Cluster's Timecode")
		}
		return r.block(cs, b, bodyOff, true, 0, false)
	case idBlockGroup:
		if !cs.tcSeen {
			return invalidf(off, "BlockGroup before the Cluster's Timecode")
		}
		var block []byte
		var blockOff, dur int64
		ref := false
		err := children(b, bodyOff, func(id uint32, body []byte, off, bodyOff int64) error {
			switch id {
			case idBlock:
				if block != nil {
					return invalidf(off, "a second Block in a BlockGroup")
				}
				block, blockOff = body, bodyOff
			case idBlockDuration:
				v, err := uintField(body, id, off)
				if err != nil {
					return err
				}
				if v >= maxTimecode {
					return invalidf(off, "BlockDuration %d out of range", v)
				}
				dur = int64(v)
			case idReferenceBlock:
				ref = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		if block == nil {
			return invalidf(off, "BlockGroup without a Block")
		}
		return r.block(cs, block, blockOff, false, dur, ref)
	}
	return nil
}

// block adds the frames of a SimpleBlock's or Block's body b, at offset off.
func (r *Reader) block(cs *clusterState, b []byte, off int64, simple bool, dur int64, ref bool) error {
	track, n := parseVint(b)
	if n <= 0 || track == unknownSize {
		return invalidf(off, "invalid track number in a block")
	}
	if len(b) < n+3 {
		return invalidf(off, "block of %d bytes, too short for its header", len(b))
	}
	tr := r.header.Track(track)
	if tr == nil {
		return errorf(ErrorTrackMismatch, off, "block for track %d, which the Tracks do not declare", track)
	}
	tc := cs.timecode + int64(int16(binary.BigEndian.Uint16(b[n:])))
	flags := b[n+2]
	key := !ref
	if simple {
		key = flags&0x80 != 0
	}
	data := b[n+3:]
	dataOff := off + int64(n+3)
	lacing := flags >> 1 & 3
	if lacing == 0 {
		cs.add(Frame{Track: track, Timecode: tc, Duration: dur, Key: key}, dataOff-cs.delta, len(data))
		return nil
	}
	if len(data) == 0 {
		return invalidf(dataOff, "laced block without a frame count")
	}
	count := int(data[0]) + 1
	p := 1
	sizes := cs.sizes[:0]
	total := 0 // of the sizes so far
	switch lacing {
	case 1: // Xiph: each size but the last as a run of bytes summed, ending below 255
		for range count - 1 {
			s := 0
			for {
				if p >= len(data) {
					return invalidf(dataOff+int64(p), "Xiph lace sizes cut short")
				}
				c := data[p]
				p++
				s += int(c)
				if c != 255 {
					break
				}
			}
			sizes = append(sizes, s)
			total += s
			if total > len(data) {
				return invalidf(dataOff, "lace sizes larger than the block")
			}
		}
	case 3: // EBML: the first size, then signed differences
		s := 0
		for i := range count - 1 {
			v, k := parseVint(data[p:])
			if k <= 0 || v == unknownSize {
				return invalidf(dataOff+int64(p), "invalid EBML lace size")
			}
			if i == 0 {
				if v > uint64(len(data)) {
					return invalidf(dataOff+int64(p), "lace size %d larger than the block", v)
				}
				s = int(v)
			} else {
				s += int(int64(v) - (1<<(7*k-1) - 1))
			}
			p += k
			if s < 0 || s > len(data) {
				return invalidf(dataOff+int64(p-k), "lace size %d out of range", s)
			}
			sizes = append(sizes, s)
			total += s
			if total > len(data) {
				return invalidf(dataOff, "lace sizes larger than the block")
			}
		}
	case 2: // fixed: equal sizes
		rest := len(data) - p
		if rest%count != 0 {
			return invalidf(dataOff, "%d bytes do not split into %d equal laced frames", rest, count)
		}
		for range count - 1 {
			sizes = append(sizes, rest/count)
			total += rest / count
		}
	}
	last := len(data) - p - total
	if last < 0 {
		return invalidf(dataOff, "lace sizes larger than the block")
	}
	sizes = append(sizes, last)
	cs.sizes = sizes
	pos := dataOff + int64(p) - cs.delta
	for i, s := range sizes {
		f := Frame{Track: track, Timecode: tc + laceOffset(i, tr.DefaultDuration, r.header.TimecodeScale), Key: key}
		if dur > 0 {
			f.Duration = dur / int64(count)
		}
		cs.add(f, pos, s)
		pos += int64(s)
	}
	return nil
}

// laceOffset is the timecode offset in ticks of a lace's i-th frame: i
// default durations (nanoseconds), or 0 when the track has none.
func laceOffset(i int, defaultDuration, scale uint64) int64 {
	if defaultDuration == 0 || scale == 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(i), defaultDuration)
	if hi >= scale {
		return 0
	}
	q, _ := bits.Div64(hi, lo, scale)
	if q >= maxTimecode {
		return 0
	}
	return int64(q)
}

func (cs *clusterState) add(f Frame, pos int64, n int) {
	cs.frames = append(cs.frames, f)
	cs.spans = append(cs.spans, [2]int{int(pos), int(pos) + n})
}
