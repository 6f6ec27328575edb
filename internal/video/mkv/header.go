package mkv

import (
	"fmt"
	"strconv"
)

// children calls fn for each child of a master element whose body is b and
// starts at byte base of the stream: fn gets the child's ID, its body, and
// the offsets of its head and body.
func children(b []byte, base int64, fn func(id uint32, body []byte, off, bodyOff int64) error) error {
	for pos := 0; pos < len(b); {
		off := base + int64(pos)
		id, size, n := parseHead(b[pos:])
		switch {
		case n == 0:
			return invalidf(off, "element head cut short by its parent's end")
		case n < 0:
			return invalidf(off, "invalid element head (byte 0x%02X)", b[pos])
		case size == unknownSize:
			return invalidf(off, "element 0x%X of unknown size inside a master element of known size", id)
		case size > uint64(len(b)-pos-n):
			return invalidf(off, "element 0x%X of %d bytes runs past its parent's end", id, size)
		}
		pos += n
		if err := fn(id, b[pos:pos+int(size)], off, base+int64(pos)); err != nil {
			return err
		}
		pos += int(size)
	}
	return nil
}

func uintField(b []byte, id uint32, off int64) (uint64, error) {
	v, ok := readUint(b)
	if !ok {
		return 0, invalidf(off, "%s of %d bytes (an unsigned integer has at most 8)", elementName(id), len(b))
	}
	return v, nil
}

// checkEBMLHeader checks that an EBML header's body announces a Matroska
// document this reader can read.
func checkEBMLHeader(b []byte, base int64) error {
	docType := ""
	err := children(b, base, func(id uint32, body []byte, off, bodyOff int64) error {
		switch id {
		case idDocType:
			docType = readString(body)
		case idEBMLReadVersion, idEBMLMaxIDLength, idEBMLMaxSizeLength:
			v, err := uintField(body, id, off)
			if err != nil {
				return err
			}
			if (id == idEBMLReadVersion && v > 1) || (id == idEBMLMaxIDLength && v > 4) || (id == idEBMLMaxSizeLength && v > 8) {
				return invalidf(off, "%s %d is not supported", elementName(id), v)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if docType != "matroska" && docType != "webm" {
		return invalidf(base, "DocType %q is not matroska", docType)
	}
	return nil
}

// parseInfo returns an Info body's TimecodeScale.
func parseInfo(b []byte, base int64) (uint64, error) {
	scale := uint64(DefaultTimecodeScale)
	err := children(b, base, func(id uint32, body []byte, off, bodyOff int64) error {
		if id != idTimecodeScale {
			return nil
		}
		v, err := uintField(body, id, off)
		if err != nil {
			return err
		}
		if v == 0 {
			return invalidf(off, "TimecodeScale 0")
		}
		scale = v
		return nil
	})
	return scale, err
}

// parseTracks returns the tracks of a Tracks body.
func parseTracks(b []byte, base int64, maxTracks int) ([]Track, error) {
	var tracks []Track
	err := children(b, base, func(id uint32, body []byte, off, bodyOff int64) error {
		if id != idTrackEntry {
			return nil
		}
		if len(tracks) == maxTracks {
			return errorf(ErrorTooManyTracks, off, "more than %d tracks", maxTracks)
		}
		t, err := parseTrackEntry(body, off)
		if err != nil {
			return err
		}
		if t.Number == 0 {
			return invalidf(off, "TrackEntry without a TrackNumber")
		}
		for _, u := range tracks {
			if u.Number == t.Number {
				return invalidf(off, "a second track numbered %d", t.Number)
			}
		}
		tracks = append(tracks, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(tracks) == 0 {
		return nil, invalidf(base, "Tracks without a TrackEntry")
	}
	return tracks, nil
}

func parseTrackEntry(b []byte, base int64) (Track, error) {
	var t Track
	var walk func(id uint32, body []byte, off, bodyOff int64) error
	walk = func(id uint32, body []byte, off, bodyOff int64) error {
		var dst *uint64
		switch id {
		case idName:
			t.Name = readString(body)
		case idCodecID:
			t.CodecID = readString(body)
		case idCodecPrivate:
			t.CodecPrivate = body
		case idVideo, idAudio:
			return children(body, bodyOff, walk)
		case idSamplingFrequency:
			f, ok := readFloat(body)
			if !ok {
				return invalidf(off, "SamplingFrequency of %d bytes", len(body))
			}
			t.SamplingFrequency = f
		case idTrackType:
			v, err := uintField(body, id, off)
			if err != nil {
				return err
			}
			if v > 255 {
				return invalidf(off, "TrackType %d", v)
			}
			t.Type = TrackType(v)
		case idTrackNumber:
			dst = &t.Number
		case idTrackUID:
			dst = &t.UID
		case idDefaultDuration:
			dst = &t.DefaultDuration
		case idPixelWidth:
			dst = &t.PixelWidth
		case idPixelHeight:
			dst = &t.PixelHeight
		case idChannels:
			dst = &t.Channels
		}
		if dst != nil {
			v, err := uintField(body, id, off)
			if err != nil {
				return err
			}
			*dst = v
		}
		return nil
	}
	err := children(b, base, walk)
	return t, err
}

// parseTags returns the SimpleTags of a Tags body, all its Tags' together.
func parseTags(b []byte, base int64) ([]SimpleTag, error) {
	var tags []SimpleTag
	err := children(b, base, func(id uint32, body []byte, off, bodyOff int64) error {
		if id != idTag {
			return nil
		}
		return children(body, bodyOff, func(id uint32, body []byte, _, bodyOff int64) error {
			if id != idSimpleTag {
				return nil
			}
			var st SimpleTag
			err := children(body, bodyOff, func(id uint32, body []byte, _, _ int64) error {
				switch id {
				case idTagName:
					st.Name = readString(body)
				case idTagString:
					st.Value = readString(body)
				}
				return nil
			})
			tags = append(tags, st)
			return err
		})
	})
	return tags, err
}

// elementName names an element in error messages.
func elementName(id uint32) string {
	switch id {
	case idEBML:
		return "EBML header"
	case idSegment:
		return "Segment"
	case idSeekHead:
		return "SeekHead"
	case idInfo:
		return "Info"
	case idTracks:
		return "Tracks"
	case idCluster:
		return "Cluster"
	case idCues:
		return "Cues"
	case idTags:
		return "Tags"
	case idVoid:
		return "Void"
	case idEBMLReadVersion:
		return "EBMLReadVersion"
	case idEBMLMaxIDLength:
		return "EBMLMaxIDLength"
	case idEBMLMaxSizeLength:
		return "EBMLMaxSizeLength"
	case idTimecodeScale:
		return "TimecodeScale"
	case idTrackNumber:
		return "TrackNumber"
	case idTrackType:
		return "TrackType"
	case idTimecode:
		return "Timecode"
	case idBlockDuration:
		return "BlockDuration"
	case idReferenceBlock:
		return "ReferenceBlock"
	}
	return fmt.Sprintf("element 0x%X", id)
}

func sizeString(size uint64) string {
	if size == unknownSize {
		return "unknown size"
	}
	return strconv.FormatUint(size, 10) + " bytes"
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
