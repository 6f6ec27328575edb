package media

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// MPEG-TS as TSSegment writes it (ISO/IEC 13818-1), for HLS's MPEG_TS
// container:
//
//	188-byte packets: 0x47 | PUSI, PID (13 bits) | adaptation, CC (4 bits)
//	PAT   PID 0x0000: program 1 → PMT PID 0x1000
//	PMT   PID 0x1000: PCR PID; streams: 0x1B H.264 / 0x24 H.265 on 0x100,
//	                  0x0F AAC (ADTS) on 0x101
//	PES   video (stream 0xE0): PTS and DTS when they differ; the access unit
//	      in Annex-B form: an AUD, then VPS/SPS/PPS before every key frame
//	      (from the codec private data, unless the frame carries its own),
//	      then the frame's NAL units
//	PES   audio (stream 0xC0): one AAC frame in an ADTS header each
//	PCR   in the first packet of every video PES (of every audio PES for
//	      an audio-only stream), 100 ms before its DTS
//
// Every segment starts with the PAT and the PMT, then the first key
// frame. Continuity counters are continuous across segments made one per
// request with no state: the PAT's and PMT's counters are the segment's
// Sequence modulo 16 (one of each per segment), and each PES PID's packets
// start at 0 and are padded to a multiple of 16 per segment by spreading
// the PID's last PES over more packets (adaptation-field stuffing), so the
// next segment's first packet is again 0. Times are 33-bit, wrapping as the
// standard allows.
const (
	tsPacketSize = 188
	pidPAT       = 0x0000
	pidPMT       = 0x1000
	pidVideo     = 0x0100
	pidAudio     = 0x0101
	// pcrDelay is how far the PCR runs behind the DTS, in 90 kHz units.
	pcrDelay = 9000
	tsMask   = 1<<33 - 1
)

// TSContentType is the Content-Type of TSSegment's output.
const TSContentType = "video/mp2t"

// tsUnit is one PES to write.
type tsUnit struct {
	pid      uint16
	pts, dts int64 // 90 kHz
	key      bool
	data     []byte // the PES payload (Annex-B access unit or ADTS frame)
}

// TSSegment returns an MPEG-TS segment of seg's frames, all tracks, for
// HLS's MPEG_TS container. DTS is shifted back by the segment's largest
// reordering so that DTS ≤ PTS (no shift without B-frames).
func (s *Stream) TSSegment(seg Segment) ([]byte, error) {
	tm := timing{scale: s.scale, end: seg.End, hasEnd: seg.End != 0}
	var units []tsUnit
	if t := s.Video; t != nil {
		samples, err := trackSamples(t, seg.Frames, tm)
		if err != nil {
			return nil, err
		}
		var shift int64
		for _, sa := range samples {
			shift = max(shift, -int64(sa.ptsOff))
		}
		for _, sa := range samples {
			au, err := s.annexB(t, sa.data, sa.sync)
			if err != nil {
				return nil, err
			}
			units = append(units, tsUnit{pid: pidVideo, pts: sa.pts(), dts: sa.dts - shift, key: sa.sync, data: au})
		}
	}
	if t := s.Audio; t != nil {
		samples, err := trackSamples(t, seg.Frames, tm)
		if err != nil {
			return nil, err
		}
		for _, sa := range samples {
			pkt := mpeg4audio.ADTSPackets{{Type: t.asc.Type, SampleRate: t.SampleRate, ChannelCount: t.Channels, AU: sa.data}}
			adts, err := pkt.Marshal()
			if err != nil {
				return nil, fmt.Errorf("track %d: %w: %v", t.Number, ErrInvalidFrame, err)
			}
			ts := sa.dts * VideoTimescale / int64(t.Timescale)
			units = append(units, tsUnit{pid: pidAudio, pts: ts, dts: ts, key: true, data: adts})
		}
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("media: segment %d has no frames", seg.Sequence)
	}
	// Interleave by decode time, video first on ties (so the segment opens
	// with its key frame).
	slices.SortStableFunc(units, func(a, b tsUnit) int {
		if a.dts != b.dts {
			if a.dts < b.dts {
				return -1
			}
			return 1
		}
		return int(a.pid) - int(b.pid)
	})
	if s.Video != nil {
		// Audio before the first video frame would precede the key frame.
		for i, u := range units {
			if u.pid == pidVideo {
				if i > 0 {
					v := units[i]
					copy(units[1:i+1], units[:i])
					units[0] = v
				}
				break
			}
		}
	}
	pcrPID := uint16(pidVideo)
	if s.Video == nil {
		pcrPID = pidAudio
	}

	m := tsMuxer{pcrPID: pcrPID}
	out := make([]byte, 0, 2*tsPacketSize+len(units)*tsPacketSize)
	out = m.psi(out, pidPAT, uint8(seg.Sequence), s.pat())
	out = m.psi(out, pidPMT, uint8(seg.Sequence), s.pmt(pcrPID))

	// Count each PID's packets, then pad its last PES to a multiple of 16.
	pes := make([][]byte, len(units))
	count := map[uint16]int{}
	last := map[uint16]int{}
	for i, u := range units {
		pes[i] = pesPacket(u)
		count[u.pid] += m.packets(len(pes[i]), m.firstAF(u))
		last[u.pid] = i
	}
	for i, u := range units {
		n := 0
		if last[u.pid] == i {
			normal := m.packets(len(pes[i]), m.firstAF(u))
			n = normal + (16-count[u.pid]%16)%16
		}
		out = m.pes(out, u, pes[i], n)
	}
	return out, nil
}

// annexB turns an AVCC frame (4-byte lengths) into an Annex-B access unit
// led by an AUD and, for a key frame, the parameter sets.
func (s *Stream) annexB(t *Track, avcc []byte, key bool) ([]byte, error) {
	nalus, err := splitNALUs(avcc, 4)
	if err != nil {
		return nil, fmt.Errorf("track %d: %w", t.Number, err)
	}
	isHEVC := t.Codec == H265
	typ := func(n []byte) int {
		if isHEVC {
			return int(n[0]>>1) & 0x3f
		}
		return int(n[0] & 0x1f)
	}
	const (
		h264AUD, h264SPS = 9, 7
		h265AUD, h265SPS = 35, 33
	)
	hasSPS := false
	for _, n := range nalus {
		if (!isHEVC && typ(n) == h264SPS) || (isHEVC && typ(n) == h265SPS) {
			hasSPS = true
		}
	}
	var out []byte
	start := []byte{0, 0, 0, 1}
	if isHEVC {
		out = append(out, 0, 0, 0, 1, h265AUD<<1, 1, 0x50)
	} else {
		out = append(out, 0, 0, 0, 1, h264AUD, 0xf0)
	}
	if key && !hasSPS {
		for _, set := range [][][]byte{t.vps, t.sps, t.pps} {
			for _, n := range set {
				out = append(append(out, start...), n...)
			}
		}
	}
	for _, n := range nalus {
		if (!isHEVC && typ(n) == h264AUD) || (isHEVC && typ(n) == h265AUD) {
			continue
		}
		out = append(append(out, start...), n...)
	}
	return out, nil
}

// pat is the program association section: program 1 on pidPMT.
func (s *Stream) pat() []byte {
	return psiSection(0x00, 1, []byte{0, 1, 0xe0 | pidPMT>>8, pidPMT & 0xff})
}

// pmt is program 1's map section.
func (s *Stream) pmt(pcrPID uint16) []byte {
	body := []byte{0xe0 | byte(pcrPID>>8), byte(pcrPID), 0xf0, 0}
	if t := s.Video; t != nil {
		st := byte(0x1b)
		if t.Codec == H265 {
			st = 0x24
		}
		body = append(body, st, 0xe0|pidVideo>>8, pidVideo&0xff, 0xf0, 0)
	}
	if s.Audio != nil {
		body = append(body, 0x0f, 0xe0|pidAudio>>8, pidAudio&0xff, 0xf0, 0)
	}
	return psiSection(0x02, 1, body)
}

// psiSection wraps body in a long-form PSI section with its CRC.
func psiSection(tableID byte, ext uint16, body []byte) []byte {
	n := 5 + len(body) + 4 // after section_length: ext(2) version(1) numbers(2) body crc(4)
	b := []byte{tableID, 0xb0 | byte(n>>8), byte(n), byte(ext >> 8), byte(ext), 0xc1, 0, 0}
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32MPEG(b))
}

var crcTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04c11db7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc32MPEG is the CRC of ISO/IEC 13818-1 Annex A (CRC-32/MPEG-2).
func crc32MPEG(b []byte) uint32 {
	c := uint32(0xffffffff)
	for _, x := range b {
		c = c<<8 ^ crcTable[byte(c>>24)^x]
	}
	return c
}

// pesPacket is u's PES packet: header with PTS (and DTS), then the data.
func pesPacket(u tsUnit) []byte {
	streamID := byte(0xe0)
	if u.pid != pidVideo {
		streamID = 0xc0
	}
	both := u.dts != u.pts
	hl := 5
	flags := byte(0x80)
	if both {
		hl, flags = 10, 0xc0
	}
	length := 3 + hl + len(u.data)
	if length > 0xffff {
		length = 0 // unbounded: allowed for video
	}
	b := make([]byte, 0, 9+hl+len(u.data))
	b = append(b, 0, 0, 1, streamID, byte(length>>8), byte(length), 0x80, flags, byte(hl))
	if both {
		b = appendTimestamp(b, 0x3, u.pts)
		b = appendTimestamp(b, 0x1, u.dts)
	} else {
		b = appendTimestamp(b, 0x2, u.pts)
	}
	return append(b, u.data...)
}

func appendTimestamp(b []byte, prefix byte, ts int64) []byte {
	v := uint64(ts) & tsMask
	return append(b,
		prefix<<4|byte(v>>29)&0x0e|1,
		byte(v>>22), byte(v>>14)|1,
		byte(v>>7), byte(v<<1)|1)
}

// tsMuxer writes packets; cc holds each PES PID's continuity counter.
type tsMuxer struct {
	pcrPID uint16
	cc     [2]uint8 // video, audio
}

// afInfo is what the first packet of a PES carries in its adaptation
// field.
type afInfo struct {
	random bool
	pcr    int64
	hasPCR bool
}

func (m *tsMuxer) firstAF(u tsUnit) afInfo {
	a := afInfo{random: u.key}
	if u.pid == m.pcrPID {
		a.hasPCR, a.pcr = true, u.dts-pcrDelay
	}
	return a
}

// afLen is the size of an adaptation field carrying a (length byte
// included), 0 when a needs none.
func (a afInfo) afLen() int {
	switch {
	case a.hasPCR:
		return 2 + 6
	case a.random:
		return 2
	}
	return 0
}

// packets is how many packets a PES of n bytes takes, packed full.
func (m *tsMuxer) packets(n int, first afInfo) int {
	c := 184 - first.afLen()
	if n <= c {
		return 1
	}
	return 1 + (n-c+183)/184
}

// pes writes a PES as packets: in want packets if want is more than it
// needs (and it has the bytes to spread), else packed full.
func (m *tsMuxer) pes(out []byte, u tsUnit, pes []byte, want int) []byte {
	first := m.firstAF(u)
	need := m.packets(len(pes), first)
	if want < need || want > len(pes) {
		want = need
	}
	ccp := &m.cc[0]
	if u.pid != pidVideo {
		ccp = &m.cc[1]
	}
	for i := 0; len(pes) > 0; i++ {
		af := afInfo{}
		if i == 0 {
			af = first
		}
		capacity := 184 - af.afLen()
		left := want - i // packets left, this one included
		take := min(capacity, len(pes)-(left-1))
		take = max(take, 1)
		out = m.packet(out, u.pid, i == 0, *ccp, af, pes[:take])
		*ccp = (*ccp + 1) & 0xf
		pes = pes[take:]
	}
	return out
}

// psi writes a one-packet PSI section (pointer field 0) with counter cc.
func (m *tsMuxer) psi(out []byte, pid uint16, cc uint8, section []byte) []byte {
	payload := append([]byte{0}, section...)
	for len(payload) < 184 {
		payload = append(payload, 0xff)
	}
	return m.packet(out, pid, true, cc&0xf, afInfo{}, payload)
}

// packet writes one 188-byte packet; payload must fit with af.
func (m *tsMuxer) packet(out []byte, pid uint16, pusi bool, cc uint8, af afInfo, payload []byte) []byte {
	b0 := byte(pid>>8) & 0x1f
	if pusi {
		b0 |= 0x40
	}
	afl := 184 - len(payload) // adaptation field bytes, length byte included
	ctrl := byte(0x10)
	if afl > 0 {
		ctrl = 0x30
	}
	out = append(out, 0x47, b0, byte(pid), ctrl|cc&0xf)
	if afl > 0 {
		out = append(out, byte(afl-1))
		if afl > 1 {
			flags := byte(0)
			if af.random {
				flags |= 0x40
			}
			if af.hasPCR {
				flags |= 0x10
			}
			out = append(out, flags)
			n := 2
			if af.hasPCR {
				base := uint64(af.pcr) & tsMask
				out = append(out, byte(base>>25), byte(base>>17), byte(base>>9), byte(base>>1), byte(base<<7)|0x7e, 0)
				n += 6
			}
			for ; n < afl; n++ {
				out = append(out, 0xff)
			}
		}
	}
	return append(out, payload...)
}
