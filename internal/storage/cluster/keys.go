package cluster

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// keys builds the etcd keys and object keys of the backend (the layout is
// in the package doc). Numbers in keys are fixed-width hex, so that etcd's
// key order is numeric order.
type keys struct {
	prefix  string // etcd prefix, ends with '/'
	objBase string // object key prefix: "" or "sluice/"
}

func newKeys(prefix string) keys {
	base := strings.Trim(prefix, "/")
	if base != "" {
		base += "/"
	}
	return keys{prefix: prefix, objBase: base}
}

func (k keys) meta() string              { return k.prefix + "meta/" }
func (k keys) ids() string               { return k.prefix + "ids/" }
func (k keys) id(id string) string       { return k.ids() + id }
func (k keys) gone() string              { return k.prefix + "gone/" }
func (k keys) goneID(id string) string   { return k.gone() + id }
func (k keys) log(id string) string      { return k.prefix + "logs/" + id + "/" }
func (k keys) manifest(id string) string { return k.log(id) + "manifest" }
func (k keys) removing(id string) string { return k.log(id) + "removing" }
func (k keys) restore(id string) string  { return k.log(id) + "restore" }
func (k keys) marks(id string) string    { return k.log(id) + "shards/" }
func (k keys) ranges(id string) string   { return k.log(id) + "ranges/" }
func (k keys) objects(id string) string  { return k.objBase + "records/" + id + "/" }

func (k keys) mark(id string, shard uint32) string {
	return fmt.Sprintf("%s%08x", k.marks(id), shard)
}

func (k keys) rangeKey(id string, shard uint32, first uint64) string {
	return fmt.Sprintf("%s%08x/%016x", k.ranges(id), shard, first)
}

// parseRangeKey returns the shard and first counter of a range key of
// log id.
func (k keys) parseRangeKey(id, key string) (shard uint32, first uint64, err error) {
	rest, ok := strings.CutPrefix(key, k.ranges(id))
	if !ok || len(rest) != 8+1+16 || rest[8] != '/' {
		return 0, 0, fmt.Errorf("cluster: not a range key: %q", key)
	}
	s, err1 := strconv.ParseUint(rest[:8], 16, 32)
	f, err2 := strconv.ParseUint(rest[9:], 16, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("cluster: bad range key %q: %w", key, err)
	}
	return uint32(s), f, nil
}

// parseMarkKey returns the shard of a counter mark key of log id.
func (k keys) parseMarkKey(id, key string) (uint32, error) {
	rest, _ := strings.CutPrefix(key, k.marks(id))
	s, err := strconv.ParseUint(rest, 16, 32)
	if err != nil || len(rest) != 8 {
		return 0, fmt.Errorf("cluster: bad shard mark key %q", key)
	}
	return uint32(s), nil
}

// Values of the ids/<id> key.
const (
	idLive        = "live"
	idQuarantined = "quarantined"
)

// objectName names a new object of a log: its sequence number in the log
// (which orders objects as their records were flushed, see compaction),
// when it was written (so that the orphan sweep can leave young objects
// alone) and a random part, so that two owners (one of them fenced and not
// knowing it yet) never write the same key.
func objectName(seq uint64, written time.Time) string {
	var r [4]byte
	rand.Read(r[:])
	return fmt.Sprintf("%016x-%012x-%s", seq, written.UnixMilli(), hex.EncodeToString(r[:]))
}

// parseObjectName returns the sequence number and write time of an object
// name.
func parseObjectName(name string) (seq uint64, written time.Time, ok bool) {
	if len(name) != 16+1+12+1+8 || name[16] != '-' || name[29] != '-' {
		return 0, time.Time{}, false
	}
	seq, err1 := strconv.ParseUint(name[:16], 16, 64)
	ms, err2 := strconv.ParseInt(name[17:29], 16, 64)
	if err1 != nil || err2 != nil {
		return 0, time.Time{}, false
	}
	return seq, time.UnixMilli(ms), true
}

// rangeVal is the value of a range key: where one run of a shard's
// records lies. Its key holds the shard and the first counter.
type rangeVal struct {
	object     string // object name within the log's object prefix
	off, size  int64  // bytes of the object holding the run's frames
	last       uint64 // counter of the run's last record
	minArrival int64
	maxArrival int64
}

const valueVersion = 1

var errBadValue = errors.New("cluster: malformed value in etcd")

func encodeRange(v rangeVal) []byte {
	b := make([]byte, 0, 32+len(v.object))
	b = append(b, valueVersion)
	b = binary.AppendUvarint(b, uint64(len(v.object)))
	b = append(b, v.object...)
	b = binary.AppendUvarint(b, uint64(v.off))
	b = binary.AppendUvarint(b, uint64(v.size))
	b = binary.AppendUvarint(b, v.last)
	b = binary.AppendVarint(b, v.minArrival)
	return binary.AppendVarint(b, v.maxArrival)
}

func decodeRange(b []byte) (rangeVal, error) {
	d := valueDecoder{b: b}
	var v rangeVal
	d.version()
	n := d.uvarint()
	v.object = d.bytes(n)
	v.off = int64(d.uvarint())
	v.size = int64(d.uvarint())
	v.last = d.uvarint()
	v.minArrival = d.varint()
	v.maxArrival = d.varint()
	if err := d.done(); err != nil {
		return rangeVal{}, err
	}
	if v.off < 0 || v.size <= 0 || v.minArrival > v.maxArrival {
		return rangeVal{}, errBadValue
	}
	return v, nil
}

// shardMark is the value of a shard's counter mark, written when ranges
// are deleted so that counters never go back.
type shardMark struct {
	next        uint64
	lastArrival int64
}

func encodeMark(m shardMark) []byte {
	b := []byte{valueVersion}
	b = binary.AppendUvarint(b, m.next)
	return binary.AppendVarint(b, m.lastArrival)
}

func decodeMark(b []byte) (shardMark, error) {
	d := valueDecoder{b: b}
	d.version()
	m := shardMark{next: d.uvarint(), lastArrival: d.varint()}
	return m, d.done()
}

// valueDecoder reads the fields of a value, remembering the first error.
type valueDecoder struct {
	b   []byte
	err error
}

func (d *valueDecoder) version() {
	if len(d.b) == 0 || d.b[0] != valueVersion {
		d.err = errBadValue
		return
	}
	d.b = d.b[1:]
}

func (d *valueDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadValue
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *valueDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadValue
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *valueDecoder) bytes(n uint64) string {
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errBadValue
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *valueDecoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errBadValue
	}
	return d.err
}
