package kpl

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// magic opens every aggregated record.
var magic = []byte{0xF3, 0x89, 0x9A, 0xC2}

// ErrCorrupt is a record that carries the KPL magic but cannot be
// de-aggregated.
var ErrCorrupt = errors.New("kpl: corrupt aggregated record")

// SubRecord is one user record of an aggregated record.
type SubRecord struct {
	PartitionKey    string
	ExplicitHashKey string
	Data            []byte
}

// Field numbers of the three messages.
const (
	fieldPartitionKeyTable    = 1
	fieldExplicitHashKeyTable = 2
	fieldRecords              = 3

	fieldPartitionKeyIndex    = 1
	fieldExplicitHashKeyIndex = 2
	fieldData                 = 3
	fieldTags                 = 4

	fieldTagKey   = 1
	fieldTagValue = 2
)

// IsAggregated reports whether data starts with the KPL magic (and is long
// enough to hold a digest).
func IsAggregated(data []byte) bool {
	return len(data) >= len(magic)+md5.Size && bytes.Equal(data[:len(magic)], magic)
}

// Deaggregate returns the user records of a KPL-aggregated record. A record
// without the magic is returned whole as one sub-record with partitionKey; a
// record with the magic whose MD5 does not match or whose protobuf is
// malformed is an error (ErrCorrupt, wrapped with detail). The sub-records'
// Data alias data.
func Deaggregate(data []byte, partitionKey string) ([]SubRecord, error) {
	if !IsAggregated(data) {
		return []SubRecord{{PartitionKey: partitionKey, Data: data}}, nil
	}
	body := data[len(magic) : len(data)-md5.Size]
	sum := md5.Sum(body)
	if !bytes.Equal(sum[:], data[len(data)-md5.Size:]) {
		return nil, fmt.Errorf("%w: the MD5 digest does not match the protobuf message", ErrCorrupt)
	}
	var pks, ehks []string
	var recs [][]byte
	for b := body; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, corrupt("AggregatedRecord", n)
		}
		b = b[n:]
		var v []byte
		if typ == protowire.BytesType && num >= fieldPartitionKeyTable && num <= fieldRecords {
			v, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return nil, corrupt("AggregatedRecord", n)
		}
		b = b[n:]
		switch {
		case v == nil:
		case num == fieldPartitionKeyTable:
			pks = append(pks, string(v))
		case num == fieldExplicitHashKeyTable:
			ehks = append(ehks, string(v))
		case num == fieldRecords:
			recs = append(recs, v)
		}
	}
	out := make([]SubRecord, 0, len(recs))
	for i, rb := range recs {
		r, err := parseRecord(rb, pks, ehks)
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: %w", ErrCorrupt, i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// parseRecord decodes one Record message and resolves its key indexes.
func parseRecord(b []byte, pks, ehks []string) (SubRecord, error) {
	var (
		pk, ehk       uint64
		hasPK, hasEHK bool
		data          []byte
	)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return SubRecord{}, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case num == fieldPartitionKeyIndex && typ == protowire.VarintType:
			pk, n = protowire.ConsumeVarint(b)
			hasPK = true
		case num == fieldExplicitHashKeyIndex && typ == protowire.VarintType:
			ehk, n = protowire.ConsumeVarint(b)
			hasEHK = true
		case num == fieldData && typ == protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		case num == fieldTags && typ == protowire.BytesType:
			var tag []byte
			tag, n = protowire.ConsumeBytes(b)
			if n >= 0 {
				if err := checkTag(tag); err != nil {
					return SubRecord{}, err
				}
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return SubRecord{}, protowire.ParseError(n)
		}
		b = b[n:]
	}
	switch {
	case !hasPK:
		return SubRecord{}, errors.New("the required partition_key_index is missing")
	case data == nil:
		return SubRecord{}, errors.New("the required data is missing")
	case pk >= uint64(len(pks)):
		return SubRecord{}, fmt.Errorf("partition_key_index %d is outside the table of %d keys", pk, len(pks))
	case hasEHK && ehk >= uint64(len(ehks)):
		return SubRecord{}, fmt.Errorf("explicit_hash_key_index %d is outside the table of %d keys", ehk, len(ehks))
	}
	r := SubRecord{PartitionKey: pks[pk], Data: data}
	if hasEHK {
		r.ExplicitHashKey = ehks[ehk]
	}
	return r, nil
}

// checkTag checks that a Tag message parses and has its required key.
func checkTag(b []byte) error {
	hasKey := false
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if num == fieldTagKey && typ == protowire.BytesType {
			hasKey = true
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
	}
	if !hasKey {
		return errors.New("a tag lacks its required key")
	}
	return nil
}

func corrupt(msg string, n int) error {
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, msg, protowire.ParseError(n))
}

// Aggregate builds an aggregated record (for tests and for `sluice bench`):
// the inverse of Deaggregate. Partition keys and explicit hash keys are
// stored once each, in order of first use; an empty ExplicitHashKey is left
// out.
func Aggregate(recs []SubRecord) []byte {
	pkIndex := map[string]uint64{}
	ehkIndex := map[string]uint64{}
	var pks, ehks []string
	index := func(m map[string]uint64, table *[]string, k string) uint64 {
		i, ok := m[k]
		if !ok {
			i = uint64(len(*table))
			m[k] = i
			*table = append(*table, k)
		}
		return i
	}
	var body, rec []byte
	var recBodies [][]byte
	for _, r := range recs {
		rec = rec[:0]
		rec = protowire.AppendTag(rec, fieldPartitionKeyIndex, protowire.VarintType)
		rec = protowire.AppendVarint(rec, index(pkIndex, &pks, r.PartitionKey))
		if r.ExplicitHashKey != "" {
			rec = protowire.AppendTag(rec, fieldExplicitHashKeyIndex, protowire.VarintType)
			rec = protowire.AppendVarint(rec, index(ehkIndex, &ehks, r.ExplicitHashKey))
		}
		rec = protowire.AppendTag(rec, fieldData, protowire.BytesType)
		rec = protowire.AppendBytes(rec, r.Data)
		recBodies = append(recBodies, append([]byte(nil), rec...))
	}
	for _, k := range pks {
		body = protowire.AppendTag(body, fieldPartitionKeyTable, protowire.BytesType)
		body = protowire.AppendString(body, k)
	}
	for _, k := range ehks {
		body = protowire.AppendTag(body, fieldExplicitHashKeyTable, protowire.BytesType)
		body = protowire.AppendString(body, k)
	}
	for _, rb := range recBodies {
		body = protowire.AppendTag(body, fieldRecords, protowire.BytesType)
		body = protowire.AppendBytes(body, rb)
	}
	out := make([]byte, 0, len(magic)+len(body)+md5.Size)
	out = append(out, magic...)
	out = append(out, body...)
	sum := md5.Sum(body)
	return append(out, sum[:]...)
}
