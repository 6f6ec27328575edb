package streams

import "time"

// iteratorVersion is the layout version of an iterator's sealed payload.
const iteratorVersion = 1

// iterator is what a shard iterator stands for: a position in one shard of
// one incarnation of a stream, and when it was handed out (iterators expire
// IteratorLifetime after that).
type iterator struct {
	Created  time.Time
	StreamID string
	Account  string
	Region   string
	Name     string
	Shard    uint32
	// Counter is the next record to read.
	Counter uint64
}

func (s *Service) encodeIterator(it iterator) string {
	var w tokenWriter
	w.u8(iteratorVersion)
	w.i64(it.Created.UnixMilli())
	w.str(it.StreamID)
	w.str(it.Account)
	w.str(it.Region)
	w.str(it.Name)
	w.u32(it.Shard)
	w.u64(it.Counter)
	return s.sealer.seal(tokenIterator, w.b)
}

// decodeIterator reads an iterator. One pair of double quotes around it is
// ignored, as AWS ignores it: shell scripts often pass the AWS CLI's JSON
// output (--query ShardIterator without --output text) straight back to
// get-records, quotes and all.
func (s *Service) decodeIterator(token string) (iterator, bool) {
	if n := len(token); n >= 2 && token[0] == '"' && token[n-1] == '"' {
		token = token[1 : n-1]
	}
	payload, ok := s.sealer.open(tokenIterator, token)
	if !ok {
		return iterator{}, false
	}
	r := tokenReader{b: payload}
	if r.u8() != iteratorVersion {
		return iterator{}, false
	}
	it := iterator{
		Created:  time.UnixMilli(r.i64()),
		StreamID: r.str(),
		Account:  r.str(),
		Region:   r.str(),
		Name:     r.str(),
		Shard:    r.u32(),
		Counter:  r.u64(),
	}
	return it, r.done()
}
