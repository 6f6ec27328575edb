package mkv

import (
	"bufio"
	"io"
)

// Defaults of Limits' zero fields.
const (
	// DefaultMaxClusterBytes is KVS's fragment limit, 50 MB (read as MiB).
	DefaultMaxClusterBytes = 50 << 20
	// DefaultMaxHeaderBytes bounds the header a document keeps (its EBML
	// header, Info and Tracks; codec private data is small) and each Tags
	// element.
	DefaultMaxHeaderBytes = 4 << 20
	// DefaultMaxTracks is KVS's limit on tracks.
	DefaultMaxTracks = 3
)

// Limits bound what a Reader holds in memory and name the hooks it calls.
// Zero fields take the defaults.
type Limits struct {
	// MaxClusterBytes bounds a whole Cluster element, its ID and size
	// included; a bigger one is an ErrorFragmentTooLarge error, found as
	// soon as a known size says so or the buffered bytes pass the limit.
	MaxClusterBytes int
	// MaxHeaderBytes bounds the EBML header, Info and Tracks of a document
	// together (ErrorInvalidMKV beyond), and each Tags element
	// (ErrorMetadataLimit beyond).
	MaxHeaderBytes int
	// MaxTracks bounds the tracks of a document (ErrorTooManyTracks).
	MaxTracks int

	// OnClusterStart, if set, is called from Next once a cluster's
	// Timecode element has been read, before its blocks are: the moment a
	// PutMedia server sends the BUFFERING ACK.
	OnClusterStart func(timecode int64)
	// OnTags, if set, is called from Next with the SimpleTags (TagName,
	// TagString) of every Tags element between clusters: a producer's
	// fragment metadata, or the AWS_KINESISVIDEO_* tags of a GetMedia body.
	// Without it, Tags elements are skipped unread.
	OnTags func(tags []SimpleTag)
}

func (l Limits) withDefaults() Limits {
	if l.MaxClusterBytes <= 0 {
		l.MaxClusterBytes = DefaultMaxClusterBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxTracks <= 0 {
		l.MaxTracks = DefaultMaxTracks
	}
	return l
}

// Reader reads a stream of Matroska documents, such as a PutMedia body, one
// Header or Cluster at a time. It is not safe for concurrent use.
type Reader struct {
	br  *bufio.Reader
	off int64 // offset in the body of the next byte br gives
	lim Limits
	err error // sticky

	head [12]byte // the last element head read

	// The document being read.
	inSegment bool
	segStart  int64
	segEnd    int64   // -1 for a Segment of unknown size
	header    *Header // once emitted
	ebmlRaw   []byte
	infoRaw   []byte
	tracksRaw []byte
	scale     uint64
	tracks    []Track
}

// NewReader returns a Reader of r bounded by l.
func NewReader(r io.Reader, l Limits) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), lim: l.withDefaults(), segEnd: -1}
}

// Offset returns how many bytes of the body the Reader has consumed.
func (r *Reader) Offset() int64 { return r.off }

// Header returns the current document's Header once Next has returned it,
// or nil.
func (r *Reader) Header() *Header { return r.header }

// Next returns the next Header or Cluster of the stream: exactly one of
// them, or an error. A document's Header comes before its first Cluster,
// and again for every new EBML document in the stream. The error is io.EOF
// when the body ends cleanly between top-level elements, and an *Error
// otherwise (wrapping io.ErrUnexpectedEOF if the body ends inside an
// element); after an error, Next returns it again.
//
// Each Cluster is freshly allocated: the caller may keep it, and its
// frames' Data, which point into its Raw.
//
// Info and Tracks after a document's first Cluster are skipped (a producer
// that changes its tracks starts a new EBML document). A Cluster of unknown
// size that the body's end interrupts between two of its children is
// returned as complete: nothing in the stream can tell otherwise.
func (r *Reader) Next() (*Header, *Cluster, error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	h, c, err := r.next()
	if err != nil {
		r.err = err
	}
	return h, c, err
}

func (r *Reader) next() (*Header, *Cluster, error) {
	for {
		if r.inSegment && r.segEnd >= 0 && r.off >= r.segEnd {
			r.inSegment = false
			if r.header == nil {
				h, err := r.finishHeader(r.segStart)
				return h, nil, err
			}
		}
		start := r.off
		id, _, err := r.peekID()
		if err == io.EOF {
			switch {
			case !r.inSegment:
				return nil, nil, io.EOF
			case r.segEnd >= 0:
				return nil, nil, r.truncated("the Segment", r.segStart)
			case r.header == nil:
				if r.tracksRaw == nil {
					return nil, nil, r.truncated("the document's header", r.segStart)
				}
				h, err := r.finishHeader(r.segStart)
				return h, nil, err
			}
			return nil, nil, io.EOF
		}
		if err != nil {
			return nil, nil, err
		}
		if !r.inSegment {
			if id != idEBML {
				return nil, nil, invalidf(start, "expected an EBML header, found element 0x%X", id)
			}
			if err := r.readDocStart(); err != nil {
				return nil, nil, err
			}
			continue
		}
		switch id {
		case idEBML:
			if r.segEnd >= 0 {
				return nil, nil, invalidf(start, "EBML header inside the Segment of known size that ends at byte %d", r.segEnd)
			}
			r.inSegment = false
			if r.header == nil {
				h, err := r.finishHeader(r.segStart)
				return h, nil, err
			}
			continue
		case idSegment:
			return nil, nil, invalidf(start, "Segment inside a Segment")
		case idCluster:
			if r.header == nil {
				h, err := r.finishHeader(start)
				return h, nil, err
			}
			c, err := r.readCluster()
			return nil, c, err
		}
		if err := r.readSegmentChild(); err != nil {
			return nil, nil, err
		}
	}
}

// readDocStart reads an EBML header and the start of the Segment after it.
func (r *Reader) readDocStart() error {
	start := r.off
	_, size, head, err := r.readHead()
	if err != nil {
		return r.eofIsTruncation(err, "the EBML header", start)
	}
	if size == unknownSize || size > uint64(r.lim.MaxHeaderBytes) {
		return invalidf(start, "EBML header of %s", sizeString(size))
	}
	raw := make([]byte, len(head)+int(size))
	copy(raw, head)
	if err := r.readFull(raw[len(head):], "the EBML header", start); err != nil {
		return err
	}
	if err := checkEBMLHeader(raw[len(head):], start+int64(len(head))); err != nil {
		return err
	}
	for {
		start := r.off
		id, size, _, err := r.readHead()
		if err != nil {
			return r.eofIsTruncation(err, "the document (no Segment)", start)
		}
		switch id {
		case idVoid, idCRC32:
			if size == unknownSize {
				return invalidf(start, "element 0x%X of unknown size", id)
			}
			if err := r.discard(size, "a Void element", start); err != nil {
				return err
			}
			continue
		case idSegment:
		default:
			return invalidf(start, "expected a Segment after the EBML header, found element 0x%X", id)
		}
		r.inSegment = true
		r.segStart = start
		r.segEnd = -1
		if size != unknownSize {
			if size > 1<<62 {
				return invalidf(start, "Segment of %d bytes", size)
			}
			r.segEnd = r.off + int64(size)
		}
		r.header = nil
		r.ebmlRaw = raw
		r.infoRaw, r.tracksRaw = nil, nil
		r.scale = DefaultTimecodeScale
		r.tracks = nil
		return nil
	}
}

// readSegmentChild reads (Info, Tracks before the first Cluster; Tags if
// OnTags is set) or skips a Segment's child other than a Cluster.
func (r *Reader) readSegmentChild() error {
	start := r.off
	id, size, head, err := r.readHead()
	if err != nil {
		return r.eofIsTruncation(err, "an element", start)
	}
	if size == unknownSize {
		return invalidf(start, "element 0x%X of unknown size (only a Segment or a Cluster may have one)", id)
	}
	if r.segEnd >= 0 && runsPast(r.off, size, r.segEnd) {
		return invalidf(start, "element 0x%X of %d bytes runs past the end of its Segment at byte %d", id, size, r.segEnd)
	}
	bodyOff := r.off
	switch {
	case (id == idInfo || id == idTracks) && r.header == nil:
		if (id == idInfo && r.infoRaw != nil) || (id == idTracks && r.tracksRaw != nil) {
			return invalidf(start, "a second %s element", elementName(id))
		}
		kept := len(r.ebmlRaw) + len(r.infoRaw) + len(r.tracksRaw) + len(head)
		if size > uint64(r.lim.MaxHeaderBytes-kept) {
			return invalidf(start, "%s element of %d bytes makes the header larger than %d bytes", elementName(id), size, r.lim.MaxHeaderBytes)
		}
		raw := make([]byte, len(head)+int(size))
		copy(raw, head)
		if err := r.readFull(raw[len(head):], elementName(id), start); err != nil {
			return err
		}
		body := raw[len(head):]
		if id == idInfo {
			scale, err := parseInfo(body, bodyOff)
			if err != nil {
				return err
			}
			r.infoRaw, r.scale = raw, scale
			return nil
		}
		tracks, err := parseTracks(body, bodyOff, r.lim.MaxTracks)
		if err != nil {
			return err
		}
		r.tracksRaw, r.tracks = raw, tracks
		return nil
	case id == idTags && r.lim.OnTags != nil:
		if size > uint64(r.lim.MaxHeaderBytes) {
			return errorf(ErrorMetadataLimit, start, "Tags element of %d bytes, more than %d", size, r.lim.MaxHeaderBytes)
		}
		body := make([]byte, size)
		if err := r.readFull(body, "a Tags element", start); err != nil {
			return err
		}
		tags, err := parseTags(body, bodyOff)
		if err != nil {
			return err
		}
		r.lim.OnTags(tags)
		return nil
	}
	return r.discard(size, elementName(id), start)
}

// finishHeader builds the document's Header once its Tracks are read; at
// is where the first Cluster (or the document's end) was found.
func (r *Reader) finishHeader(at int64) (*Header, error) {
	if r.tracksRaw == nil {
		return nil, invalidf(at, "no Tracks in the Segment that starts at byte %d before its first Cluster", r.segStart)
	}
	raw := make([]byte, 0, len(r.ebmlRaw)+12+len(r.infoRaw)+len(r.tracksRaw))
	raw = append(raw, r.ebmlRaw...)
	raw = appendID(raw, idSegment)
	raw = append(raw, unknownSizeBytes[:]...)
	raw = append(raw, r.infoRaw...)
	raw = append(raw, r.tracksRaw...)
	r.header = &Header{Raw: raw, TimecodeScale: r.scale, Tracks: r.tracks}
	return r.header, nil
}

// peekID returns the ID of the next element without consuming it: io.EOF
// if the body ends cleanly here.
func (r *Reader) peekID() (id uint32, n int, err error) {
	b, err := r.br.Peek(1)
	if len(b) == 0 {
		if err == io.EOF {
			return 0, 0, io.EOF
		}
		return 0, 0, r.readError(err, "an element ID", r.off)
	}
	n = vintLen(b[0])
	if n > 4 {
		return 0, 0, invalidf(r.off, "invalid element ID (first byte 0x%02X)", b[0])
	}
	b, err = r.br.Peek(n)
	if len(b) < n {
		return 0, 0, r.readError(err, "an element ID", r.off)
	}
	id, _ = parseID(b)
	return id, n, nil
}

// readHead consumes an element's ID and size: io.EOF if the body ends
// cleanly before it. head is valid until the next call.
func (r *Reader) readHead() (id uint32, size uint64, head []byte, err error) {
	start := r.off
	id, n, err := r.peekID()
	if err != nil {
		return 0, 0, nil, err
	}
	b, err := r.br.Peek(n + 1)
	if len(b) < n+1 {
		return 0, 0, nil, r.readError(err, "an element size", start)
	}
	m := vintLen(b[n])
	if m > 8 {
		return 0, 0, nil, invalidf(start+int64(n), "invalid size of element 0x%X (first byte 0x00)", id)
	}
	b, err = r.br.Peek(n + m)
	if len(b) < n+m {
		return 0, 0, nil, r.readError(err, "an element size", start)
	}
	size, _ = parseVint(b[n:])
	head = r.head[:copy(r.head[:], b)]
	_, _ = r.br.Discard(n + m)
	r.off += int64(n + m)
	return id, size, head, nil
}

// readFull fills p from the body; what and start (the enclosing element's
// offset) name it in errors.
func (r *Reader) readFull(p []byte, what string, start int64) error {
	n, err := io.ReadFull(r.br, p)
	r.off += int64(n)
	if err != nil {
		return r.readError(err, what, start)
	}
	return nil
}

// discard skips n bytes of the body.
func (r *Reader) discard(n uint64, what string, start int64) error {
	for n > 0 {
		k := int(min(n, 1<<30))
		d, err := r.br.Discard(k)
		r.off += int64(d)
		n -= uint64(d)
		if err != nil {
			return r.readError(err, what, start)
		}
	}
	return nil
}

// readError turns the io.Reader's error inside an element into an *Error.
func (r *Reader) readError(err error, what string, start int64) error {
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.truncated(what, start)
	}
	return &Error{ID: ErrorStreamRead, Offset: r.off, Msg: "reading " + what, Err: err}
}

func (r *Reader) truncated(what string, start int64) error {
	return &Error{ID: ErrorInvalidMKV, Offset: r.off,
		Msg: "body ends inside " + what + " that starts at byte " + itoa(start), Err: io.ErrUnexpectedEOF}
}

// eofIsTruncation reports a clean io.EOF where an element must follow as a
// truncation.
func (r *Reader) eofIsTruncation(err error, what string, start int64) error {
	if err == io.EOF {
		return r.truncated(what, start)
	}
	return err
}
