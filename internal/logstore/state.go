package logstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"path/filepath"

	"sluice/internal/vfs"
)

// The state file keeps what must outlive segments: each shard's next counter
// and last arrival, the log's last arrival and the highest segment number
// used. See the package doc for the layout. It is kept in two files
// (stateName and stateCopyName) so that one damaged file loses nothing.
const (
	stateMagic      = "SLST"
	stateVersion    = 1
	stateHeaderSize = 32
	stateShardSize  = 24
	maxStateBytes   = 1 << 28 // 11M shards
)

type shardMark struct {
	next        uint64
	lastArrival int64
}

type stateFile struct {
	lastSegment uint64
	lastArrival int64
	shards      map[uint32]shardMark
}

func encodeState(st stateFile) []byte {
	shards := sortedShards(st.shards)
	b := make([]byte, stateHeaderSize, stateHeaderSize+len(shards)*stateShardSize+4)
	copy(b, stateMagic)
	binary.LittleEndian.PutUint16(b[4:], stateVersion)
	binary.LittleEndian.PutUint64(b[8:], st.lastSegment)
	binary.LittleEndian.PutUint64(b[16:], uint64(st.lastArrival))
	binary.LittleEndian.PutUint32(b[24:], uint32(len(shards)))
	for _, s := range shards {
		m := st.shards[s]
		b = binary.LittleEndian.AppendUint32(b, s)
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint64(b, m.next)
		b = binary.LittleEndian.AppendUint64(b, uint64(m.lastArrival))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func decodeState(b []byte) (stateFile, error) {
	if len(b) < stateHeaderSize+4 || string(b[:4]) != stateMagic {
		return stateFile{}, fmt.Errorf("%w: state file: bad header", ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint16(b[4:]); v != stateVersion {
		return stateFile{}, fmt.Errorf("%w: state file has version %d", ErrUnsupportedVersion, v)
	}
	n := int(binary.LittleEndian.Uint32(b[24:]))
	if len(b) != stateHeaderSize+n*stateShardSize+4 ||
		crc32.Checksum(b[:len(b)-4], castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return stateFile{}, fmt.Errorf("%w: state file: checksum mismatch", ErrCorrupt)
	}
	st := stateFile{
		lastSegment: binary.LittleEndian.Uint64(b[8:]),
		lastArrival: int64(binary.LittleEndian.Uint64(b[16:])),
		shards:      make(map[uint32]shardMark, n),
	}
	for i := range n {
		r := b[stateHeaderSize+i*stateShardSize:]
		st.shards[binary.LittleEndian.Uint32(r)] = shardMark{
			next:        binary.LittleEndian.Uint64(r[8:]),
			lastArrival: int64(binary.LittleEndian.Uint64(r[16:])),
		}
	}
	return st, nil
}

// readStates reads the two copies of the state (stateName, then
// stateCopyName, each written whole after the other) and merges them: per
// shard the larger counter. A damaged copy is reported and the other used,
// so one bad file costs nothing; with both damaged the counters come from
// the segments alone, which is reported too. A newer format version in
// either copy, and I/O errors, fail.
func readStates(fsys vfs.FS, dir string, logger *slog.Logger) (stateFile, error) {
	merged := stateFile{shards: map[uint32]shardMark{}}
	var damaged []string
	for _, name := range []string{stateName, stateCopyName} {
		st, err := readState(fsys, filepath.Join(dir, name))
		if errors.Is(err, ErrCorrupt) {
			damaged = append(damaged, name)
			logger.Error("state file damaged, ignoring it", "file", name, "err", err)
			continue
		}
		if err != nil {
			return stateFile{}, err
		}
		merged.merge(st)
	}
	if len(damaged) == 2 {
		logger.Error("both state files damaged: counters continue from what the segments hold; " +
			"a shard whose records all expired may reuse sequence counters")
	}
	return merged, nil
}

// merge takes the larger of each mark of st and m.
func (st *stateFile) merge(m stateFile) {
	st.lastSegment = max(st.lastSegment, m.lastSegment)
	st.lastArrival = max(st.lastArrival, m.lastArrival)
	for s, mk := range m.shards {
		cur := st.shards[s]
		st.shards[s] = shardMark{next: max(cur.next, mk.next), lastArrival: max(cur.lastArrival, mk.lastArrival)}
	}
}

// readState reads one state file; a missing file is an empty state.
func readState(fsys vfs.FS, name string) (stateFile, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return stateFile{shards: map[uint32]shardMark{}}, nil
	}
	if err != nil {
		return stateFile{}, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return stateFile{}, err
	}
	if size > maxStateBytes {
		return stateFile{}, fmt.Errorf("%w: state file of %d bytes", ErrCorrupt, size)
	}
	b := make([]byte, size)
	if err := readFull(f, b, 0); err != nil {
		return stateFile{}, err
	}
	return decodeState(b)
}

// writeFileAtomic replaces dir/name with data durably.
func writeFileAtomic(fsys vfs.FS, dir, name string, data []byte) error {
	return vfs.WriteFileAtomic(fsys, filepath.Join(dir, name), data)
}
