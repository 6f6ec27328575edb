package mkv

import (
	"bytes"
	"io"
)

// ParseHeader parses a Header.Raw (e.g. one stored with the fragments) back
// into a Header, with the default Limits. The Header's Raw is a copy.
func ParseHeader(raw []byte) (*Header, error) {
	h, _, err := NewReader(bytes.NewReader(raw), Limits{}).Next()
	if err == io.EOF || (err == nil && h == nil) {
		return nil, invalidf(0, "no header")
	}
	return h, err
}

// ParseCluster parses a Cluster element of known size as Cluster.Raw holds
// it (e.g. a stored fragment), its blocks belonging to h's tracks. It does
// not copy: the Cluster's Raw is raw and its frames' Data point into it.
func ParseCluster(raw []byte, h *Header) (*Cluster, error) {
	id, size, n := parseHead(raw)
	if n <= 0 || id != idCluster {
		return nil, invalidf(0, "not a Cluster")
	}
	if size != uint64(len(raw)-n) {
		return nil, invalidf(0, "Cluster of %s in %d bytes", sizeString(size), len(raw)-n)
	}
	r := &Reader{header: h}
	cs := &clusterState{}
	err := children(raw[n:], int64(n), func(id uint32, body []byte, off, bodyOff int64) error {
		return r.clusterChild(cs, id, body, off, bodyOff)
	})
	if err != nil {
		return nil, err
	}
	if !cs.tcSeen {
		return nil, invalidf(0, "Cluster without a Timecode")
	}
	for i, s := range cs.spans {
		cs.frames[i].Data = raw[s[0]:s[1]:s[1]]
	}
	return &Cluster{Timecode: cs.timecode, Raw: raw, Frames: cs.frames}, nil
}
