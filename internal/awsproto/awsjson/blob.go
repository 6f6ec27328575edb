package awsjson

// BlobDecoder decodes base64 blob members (record data) straight into one
// shared buffer, for the fast decoders of the busiest operations: one
// allocation per request instead of one per record.
type BlobDecoder struct {
	slab []byte
}

// NewBlobDecoder returns a decoder whose buffer starts with room for size
// decoded bytes (a request body of b bytes decodes to at most b*3/4).
func NewBlobDecoder(size int) *BlobDecoder {
	return &BlobDecoder{slab: make([]byte, 0, size)}
}

// Decode reads a JSON string of strict base64 and returns its bytes (a
// slice of the shared buffer, capped so appends cannot overwrite the next
// blob); on anything else it fails the scanner.
func (d *BlobDecoder) Decode(s *Scanner) []byte {
	// Decoding rejects every byte that is not base64 except CR and LF,
	// which base64 decoders skip; the length check below catches those, so
	// the string needs no other check.
	raw := s.UncheckedString()
	if !s.OK() {
		return nil
	}
	if len(raw)%4 != 0 {
		s.Fail()
		return nil
	}
	want := len(raw) / 4 * 3
	if len(raw) > 0 && raw[len(raw)-1] == '=' {
		want--
		if raw[len(raw)-2] == '=' {
			want--
		}
	}
	n := len(raw) / 4 * 3 // what Decode may write
	if cap(d.slab)-len(d.slab) < n {
		d.slab = make([]byte, 0, max(n, 2*cap(d.slab)))
	}
	start := len(d.slab)
	m, err := StrictBase64.Decode(d.slab[start:start+n], raw)
	if err != nil || m != want {
		s.Fail()
		return nil
	}
	d.slab = d.slab[:start+m]
	return d.slab[start : start+m : start+m]
}
