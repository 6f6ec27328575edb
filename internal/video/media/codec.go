package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// Errors NewStream returns, wrapped with %w; the wire layer maps them to
// AWS's UnsupportedStreamMediaTypeException, MissingCodecPrivateDataException
// and InvalidCodecPrivateDataException.
var (
	ErrUnsupportedMedia    = errors.New("media: unsupported stream media type")
	ErrMissingCodecPrivate = errors.New("media: missing codec private data")
	ErrInvalidCodecPrivate = errors.New("media: invalid codec private data")
	// ErrInvalidFrame is returned for a frame that cannot be parsed with
	// its track's codec (AWS's InvalidMediaFrameException).
	ErrInvalidFrame = errors.New("media: invalid media frame")
)

// Codec is the codec of a Track.
type Codec int

// The codecs Sluice repackages.
const (
	H264 Codec = iota + 1
	H265
	AAC
)

func (c Codec) String() string {
	switch c {
	case H264:
		return "H.264"
	case H265:
		return "H.265"
	case AAC:
		return "AAC"
	}
	return fmt.Sprintf("Codec(%d)", int(c))
}

// codecOf maps a Matroska CodecID to a Codec (0 when unsupported). AWS's
// docs spell H.264 V_MPEG/ISO/AVC, Matroska (and ffmpeg) V_MPEG4/ISO/AVC;
// both are accepted, as is V_MPEG/ISO/HEVC beside Matroska's
// V_MPEGH/ISO/HEVC.
func codecOf(id string) Codec {
	switch id {
	case "V_MPEG4/ISO/AVC", "V_MPEG/ISO/AVC":
		return H264
	case "V_MPEGH/ISO/HEVC", "V_MPEG/ISO/HEVC":
		return H265
	}
	if id == "A_AAC" || strings.HasPrefix(id, "A_AAC/") {
		return AAC
	}
	return 0
}

// avcConfig is the parameter sets of an AVCDecoderConfigurationRecord
// (ISO/IEC 14496-15 5.3.3.1) and its NAL unit length size.
type avcConfig struct {
	lengthSize int
	sps, pps   [][]byte
}

// parseAVCC parses an AVCDecoderConfigurationRecord. It never panics; it
// returns an error for truncated or inconsistent input or a record without
// an SPS and a PPS.
func parseAVCC(b []byte) (*avcConfig, error) {
	if len(b) < 7 || b[0] != 1 {
		return nil, errors.New("not an AVCDecoderConfigurationRecord")
	}
	c := &avcConfig{lengthSize: int(b[4]&3) + 1}
	if c.lengthSize == 3 {
		return nil, errors.New("NAL unit length size 3")
	}
	p := 5
	nsps := int(b[p] & 0x1f)
	p++
	for range nsps {
		nal, n, err := lengthPrefixed16(b[p:])
		if err != nil {
			return nil, fmt.Errorf("SPS: %w", err)
		}
		c.sps = append(c.sps, nal)
		p += n
	}
	if p >= len(b) {
		return nil, errors.New("no PPS count")
	}
	npps := int(b[p])
	p++
	for range npps {
		nal, n, err := lengthPrefixed16(b[p:])
		if err != nil {
			return nil, fmt.Errorf("PPS: %w", err)
		}
		c.pps = append(c.pps, nal)
		p += n
	}
	if len(c.sps) == 0 || len(c.pps) == 0 {
		return nil, errors.New("no SPS or no PPS")
	}
	return c, nil
}

// hevcConfig is the parameter sets and profile of an
// HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1).
type hevcConfig struct {
	lengthSize    int
	vps, sps, pps [][]byte
	// general_profile_space, tier, profile_idc, compatibility flags,
	// constraint indicator flags and level_idc: bytes 1 to 12.
	ptl [12]byte
}

// parseHVCC parses an HEVCDecoderConfigurationRecord. It never panics.
func parseHVCC(b []byte) (*hevcConfig, error) {
	if len(b) < 23 || b[0] != 1 {
		return nil, errors.New("not an HEVCDecoderConfigurationRecord")
	}
	c := &hevcConfig{lengthSize: int(b[21]&3) + 1}
	if c.lengthSize == 3 {
		return nil, errors.New("NAL unit length size 3")
	}
	copy(c.ptl[:], b[1:13])
	narrays := int(b[22])
	p := 23
	for range narrays {
		if len(b)-p < 3 {
			return nil, errors.New("truncated NAL unit array")
		}
		typ := b[p] & 0x3f
		n := int(binary.BigEndian.Uint16(b[p+1:]))
		p += 3
		for range n {
			nal, m, err := lengthPrefixed16(b[p:])
			if err != nil {
				return nil, err
			}
			p += m
			switch h265.NALUType(typ) {
			case h265.NALUType_VPS_NUT:
				c.vps = append(c.vps, nal)
			case h265.NALUType_SPS_NUT:
				c.sps = append(c.sps, nal)
			case h265.NALUType_PPS_NUT:
				c.pps = append(c.pps, nal)
			}
		}
	}
	if len(c.vps) == 0 || len(c.sps) == 0 || len(c.pps) == 0 {
		return nil, errors.New("no VPS, SPS or PPS")
	}
	return c, nil
}

func lengthPrefixed16(b []byte) (nal []byte, n int, err error) {
	if len(b) < 2 {
		return nil, 0, errors.New("truncated length")
	}
	l := int(binary.BigEndian.Uint16(b))
	if l == 0 || len(b)-2 < l {
		return nil, 0, errors.New("truncated or empty NAL unit")
	}
	return b[2 : 2+l], 2 + l, nil
}

// splitNALUs splits a frame of length-prefixed NAL units (AVCC form, each
// unit led by its length in size bytes). It never panics.
func splitNALUs(b []byte, size int) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < size {
			return nil, ErrInvalidFrame
		}
		var l int
		for i := range size {
			l = l<<8 | int(b[i])
		}
		b = b[size:]
		if l > len(b) {
			return nil, ErrInvalidFrame
		}
		if l > 0 {
			out = append(out, b[:l])
		}
		b = b[l:]
	}
	if len(out) == 0 {
		return nil, ErrInvalidFrame
	}
	return out, nil
}

// videoParams is what an SPS tells: the picture size and frame rate.
type videoParams struct {
	width, height int
	fps           float64
}

// parseH264SPS reads the size and frame rate from an H.264 SPS (the NAL
// unit with its header byte). It never panics.
func parseH264SPS(nal []byte) (sps h264.SPS, p videoParams, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("SPS: %v", r)
		}
	}()
	if err = sps.Unmarshal(nal); err != nil {
		return sps, p, err
	}
	return sps, videoParams{width: sps.Width(), height: sps.Height(), fps: sps.FPS()}, nil
}

// parseH265SPS reads the size and frame rate from an H.265 SPS. It never
// panics.
func parseH265SPS(nal []byte) (sps h265.SPS, p videoParams, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("SPS: %v", r)
		}
	}()
	if err = sps.Unmarshal(nal); err != nil {
		return sps, p, err
	}
	return sps, videoParams{width: sps.Width(), height: sps.Height(), fps: sps.FPS()}, nil
}

// avcCodecString is RFC 6381's avc1.PPCCLL: profile_idc, the constraint
// flags byte and level_idc of the SPS, in hex.
func avcCodecString(sps []byte) string {
	if len(sps) < 4 {
		return "avc1"
	}
	return fmt.Sprintf("avc1.%02x%02x%02x", sps[1], sps[2], sps[3])
}

// hevcCodecString is ISO/IEC 14496-15 Annex E's hvc1 string from the
// record's profile_tier_level bytes: hvc1.[A-C]?P.C.{L|H}L.B1[.B2…], with
// the compatibility flags bit-reversed in hex and trailing zero constraint
// bytes left out.
func hevcCodecString(ptl [12]byte) string {
	space := ptl[0] >> 6
	tier := (ptl[0] >> 5) & 1
	profile := ptl[0] & 0x1f
	compat := binary.BigEndian.Uint32(ptl[1:5])
	var rev uint32
	for i := range 32 {
		if compat&(1<<i) != 0 {
			rev |= 1 << (31 - i)
		}
	}
	var sb strings.Builder
	sb.WriteString("hvc1.")
	if space > 0 {
		sb.WriteByte("ABC"[space-1])
	}
	fmt.Fprintf(&sb, "%d.%X.", profile, rev)
	if tier == 1 {
		sb.WriteByte('H')
	} else {
		sb.WriteByte('L')
	}
	fmt.Fprintf(&sb, "%d", ptl[11])
	cons := ptl[5:11]
	last := len(cons)
	for last > 0 && cons[last-1] == 0 {
		last--
	}
	for _, c := range cons[:last] {
		fmt.Fprintf(&sb, ".%X", c)
	}
	return sb.String()
}

// aacCodecString is RFC 6381's mp4a.40.<audio object type>.
func aacCodecString(c *mpeg4audio.AudioSpecificConfig) string {
	return fmt.Sprintf("mp4a.40.%d", int(c.Type))
}
