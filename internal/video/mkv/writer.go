package mkv

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// The tags GetMedia adds around each fragment: the fragment number and
// timestamps in a Tags element before its Cluster, the millis behind and
// the continuation token in one after it, as AWS lays a chunk out (and the
// error ones instead of a fragment).
const (
	TagFragmentNumber    = "AWS_KINESISVIDEO_FRAGMENT_NUMBER"
	TagServerTimestamp   = "AWS_KINESISVIDEO_SERVER_TIMESTAMP"
	TagProducerTimestamp = "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"
	TagMillisBehindNow   = "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW"
	TagContinuationToken = "AWS_KINESISVIDEO_CONTINUATION_TOKEN"
	TagErrorCode         = "AWS_KINESISVIDEO_ERROR_CODE"
	TagErrorID           = "AWS_KINESISVIDEO_ERROR_ID"
)

// WriteChunk writes one GetMedia chunk to w as AWS lays it out: a header's
// Raw, a Tags element with before (the fragment number and timestamps:
// readers such as kinesisvideomanager's take the tags before a Cluster as
// its fragment's), the cluster's Raw, and a Tags element with after (the
// millis behind and the continuation token). A Tags element is left out
// when its tags are empty. The cluster is written as it is, not copied.
func WriteChunk(w io.Writer, header []byte, before []SimpleTag, cluster []byte, after []SimpleTag) (int64, error) {
	var n int64
	for _, b := range [][]byte{header, AppendTags(nil, before), cluster, AppendTags(nil, after)} {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// AppendTags appends a Tags element holding one Tag (whose empty Targets
// make it apply to the whole segment) with a SimpleTag (TagName, TagString)
// per tag. It appends nothing if tags is empty.
func AppendTags(dst []byte, tags []SimpleTag) []byte {
	if len(tags) == 0 {
		return dst
	}
	var tag []byte
	tag = appendMaster(tag, idTargets, nil)
	for _, t := range tags {
		var st []byte
		st = appendString(st, idTagName, t.Name)
		st = appendString(st, idTagString, t.Value)
		tag = appendMaster(tag, idSimpleTag, st)
	}
	return appendMaster(dst, idTags, appendMaster(nil, idTag, tag))
}

// AppendHeader appends a Matroska header made from h's TimecodeScale (0
// means DefaultTimecodeScale) and Tracks, in the form Header.Raw has: an
// EBML header with DocType matroska, a Segment of unknown size, Info and
// Tracks. h.Raw is not read.
func AppendHeader(dst []byte, h *Header) []byte {
	var ebml []byte
	ebml = appendUint(ebml, idEBMLVersion, 1)
	ebml = appendUint(ebml, idEBMLReadVersion, 1)
	ebml = appendUint(ebml, idEBMLMaxIDLength, 4)
	ebml = appendUint(ebml, idEBMLMaxSizeLength, 8)
	ebml = appendString(ebml, idDocType, "matroska")
	ebml = appendUint(ebml, idDocTypeVersion, 4)
	ebml = appendUint(ebml, idDocTypeReadVersion, 2)
	dst = appendMaster(dst, idEBML, ebml)

	dst = appendID(dst, idSegment)
	dst = append(dst, unknownSizeBytes[:]...)

	scale := h.TimecodeScale
	if scale == 0 {
		scale = DefaultTimecodeScale
	}
	var info []byte
	info = appendUint(info, idTimecodeScale, scale)
	info = appendString(info, idMuxingApp, "sluice")
	info = appendString(info, idWritingApp, "sluice")
	dst = appendMaster(dst, idInfo, info)

	var tracks []byte
	for _, t := range h.Tracks {
		var e []byte
		e = appendUint(e, idTrackNumber, t.Number)
		e = appendUint(e, idTrackUID, t.UID)
		e = appendUint(e, idTrackType, uint64(t.Type))
		if t.Name != "" {
			e = appendString(e, idName, t.Name)
		}
		e = appendString(e, idCodecID, t.CodecID)
		if t.CodecPrivate != nil {
			e = appendMaster(e, idCodecPrivate, t.CodecPrivate)
		}
		if t.DefaultDuration != 0 {
			e = appendUint(e, idDefaultDuration, t.DefaultDuration)
		}
		if t.PixelWidth != 0 || t.PixelHeight != 0 {
			var v []byte
			v = appendUint(v, idPixelWidth, t.PixelWidth)
			v = appendUint(v, idPixelHeight, t.PixelHeight)
			e = appendMaster(e, idVideo, v)
		}
		if t.SamplingFrequency != 0 || t.Channels != 0 {
			var a []byte
			a = appendFloat(a, idSamplingFrequency, t.SamplingFrequency)
			if t.Channels != 0 {
				a = appendUint(a, idChannels, t.Channels)
			}
			e = appendMaster(e, idAudio, a)
		}
		tracks = appendMaster(tracks, idTrackEntry, e)
	}
	return appendMaster(dst, idTracks, tracks)
}

// AppendCluster appends a Cluster element of known size with the given
// timecode (ticks) and frames, in order: a SimpleBlock per frame (key flag
// from Frame.Key), or a BlockGroup (Block, BlockDuration, and a
// ReferenceBlock unless Key) for a frame with a Duration. It is meant for
// tests and tools that synthesise Matroska; it panics if a frame's
// timecode is not within a signed 16-bit distance of the cluster's, the
// cluster's timecode is negative or a track number is 0.
func AppendCluster(dst []byte, timecode int64, frames []Frame) []byte {
	if timecode < 0 {
		panic(fmt.Sprintf("mkv: negative cluster timecode %d", timecode))
	}
	var body []byte
	body = appendUint(body, idTimecode, uint64(timecode))
	for _, f := range frames {
		rel := f.Timecode - timecode
		if rel < math.MinInt16 || rel > math.MaxInt16 {
			panic(fmt.Sprintf("mkv: frame timecode %d is %d ticks from its cluster's %d", f.Timecode, rel, timecode))
		}
		if f.Track == 0 {
			panic("mkv: frame of track 0")
		}
		// The block header: the track number (a vint, like a size), the
		// relative timecode; the flags follow.
		bh := appendSize(nil, f.Track)
		bh = binary.BigEndian.AppendUint16(bh, uint16(int16(rel)))
		if f.Duration == 0 {
			flags := byte(0)
			if f.Key {
				flags = 0x80
			}
			body = appendID(body, idSimpleBlock)
			body = appendSize(body, uint64(len(bh)+1+len(f.Data)))
			body = append(body, bh...)
			body = append(body, flags)
			body = append(body, f.Data...)
			continue
		}
		var g []byte
		g = appendID(g, idBlock)
		g = appendSize(g, uint64(len(bh)+1+len(f.Data)))
		g = append(g, bh...)
		g = append(g, 0)
		g = append(g, f.Data...)
		g = appendUint(g, idBlockDuration, uint64(f.Duration))
		if !f.Key {
			g = appendInt(g, idReferenceBlock, -1)
		}
		body = appendMaster(body, idBlockGroup, g)
	}
	return appendMaster(dst, idCluster, body)
}

func appendMaster(dst []byte, id uint32, body []byte) []byte {
	dst = appendID(dst, id)
	dst = appendSize(dst, uint64(len(body)))
	return append(dst, body...)
}

func appendUint(dst []byte, id uint32, v uint64) []byte {
	n := 1
	for n < 8 && v>>(8*n) != 0 {
		n++
	}
	dst = appendID(dst, id)
	dst = appendSize(dst, uint64(n))
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

func appendInt(dst []byte, id uint32, v int64) []byte {
	n := 1
	for n < 8 && (v < -(1<<(8*n-1)) || v >= 1<<(8*n-1)) {
		n++
	}
	dst = appendID(dst, id)
	dst = appendSize(dst, uint64(n))
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

func appendFloat(dst []byte, id uint32, v float64) []byte {
	dst = appendID(dst, id)
	dst = appendSize(dst, 8)
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(v))
}

func appendString(dst []byte, id uint32, s string) []byte {
	dst = appendID(dst, id)
	dst = appendSize(dst, uint64(len(s)))
	return append(dst, s...)
}
