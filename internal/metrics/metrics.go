// Package metrics keeps a stream's activity per minute for the last day:
// the figures CloudWatch shows for Kinesis Data Streams (IncomingRecords,
// GetRecords.IteratorAgeMilliseconds, ...) and Firehose (DeliveryToS3.*),
// which the console charts.
//
// A Series costs nothing until it is used and at most Window buckets after
// that, so idle streams and streams with many shards stay cheap. It lives in
// memory: after a restart the charts start again from empty, like a new
// CloudWatch metric.
package metrics

import (
	"sync"
	"time"
)

// Name is one metric of a stream.
type Name uint8

// The metrics, named as CloudWatch names them for Kinesis Data Streams.
const (
	IncomingRecords Name = iota
	IncomingBytes
	GetRecordsRecords
	GetRecordsBytes
	IteratorAgeMillis // the minute's maximum, not a sum
	SubscribeRecords
	SubscribeBytes
	WriteThrottled
	ReadThrottled
	// Firehose delivery streams (IncomingRecords and IncomingBytes too).
	DeliveredRecords
	DeliveredBytes
	DeliveredObjects
	DataFreshnessSeconds // the minute's maximum age of a record when delivered
	DeliveryFailures
	numNames
)

var names = [numNames]string{
	IncomingRecords:   "IncomingRecords",
	IncomingBytes:     "IncomingBytes",
	GetRecordsRecords: "GetRecords.Records",
	GetRecordsBytes:   "GetRecords.Bytes",
	IteratorAgeMillis: "GetRecords.IteratorAgeMilliseconds",
	SubscribeRecords:  "SubscribeToShardEvent.Records",
	SubscribeBytes:    "SubscribeToShardEvent.Bytes",
	WriteThrottled:    "WriteProvisionedThroughputExceeded",
	ReadThrottled:     "ReadProvisionedThroughputExceeded",

	DeliveredRecords:     "DeliveryToS3.Records",
	DeliveredBytes:       "DeliveryToS3.Bytes",
	DeliveredObjects:     "DeliveryToS3.Success",
	DataFreshnessSeconds: "DeliveryToS3.DataFreshness",
	DeliveryFailures:     "DeliveryToS3.Failures",
}

// String returns the CloudWatch name.
func (n Name) String() string {
	if n >= numNames {
		return "unknown"
	}
	return names[n]
}

// Names lists every metric in order, as Point.Values holds them.
func Names() []Name {
	out := make([]Name, numNames)
	for i := range out {
		out[i] = Name(i)
	}
	return out
}

// Window is how many minutes a Series keeps.
const Window = 24 * 60

// Series is one stream's per-minute figures. The zero value is ready; it
// is safe for concurrent use.
type Series struct {
	mu      sync.Mutex
	buckets []bucket // oldest first, at most Window, only minutes with activity
}

type bucket struct {
	minute int64 // Unix minutes
	v      [numNames]int64
}

// Add adds delta to metric n in now's minute.
func (s *Series) Add(now time.Time, n Name, delta int64) {
	if delta == 0 {
		return
	}
	s.mu.Lock()
	s.current(now).v[n] += delta
	s.mu.Unlock()
}

// Max raises metric n in now's minute to v.
func (s *Series) Max(now time.Time, n Name, v int64) {
	s.mu.Lock()
	b := s.current(now)
	b.v[n] = max(b.v[n], v)
	s.mu.Unlock()
}

// current returns now's bucket, starting it (and dropping those older than
// Window) on the minute's first use. The clock may step back (tests, NTP):
// an earlier minute than the newest counts in the newest.
func (s *Series) current(now time.Time) *bucket {
	m := now.Unix() / 60
	if n := len(s.buckets); n > 0 && s.buckets[n-1].minute >= m {
		return &s.buckets[n-1]
	}
	drop := 0
	for drop < len(s.buckets) && s.buckets[drop].minute <= m-Window {
		drop++
	}
	if drop > 0 {
		s.buckets = append(s.buckets[:0], s.buckets[drop:]...)
	}
	s.buckets = append(s.buckets, bucket{minute: m})
	return &s.buckets[len(s.buckets)-1]
}

// Point is one minute's figures, indexed by Name.
type Point struct {
	Minute time.Time
	Values [numNames]int64
}

// Range returns the last minutes minutes up to now's minute, oldest first,
// one Point per minute (zero where nothing happened). minutes is clamped to
// [1, Window].
func (s *Series) Range(now time.Time, minutes int) []Point {
	minutes = min(max(minutes, 1), Window)
	last := now.Unix() / 60
	first := last - int64(minutes) + 1
	out := make([]Point, minutes)
	for i := range out {
		out[i].Minute = time.Unix((first+int64(i))*60, 0).UTC()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.buckets {
		if b.minute >= first && b.minute <= last {
			out[b.minute-first].Values = b.v
		}
	}
	return out
}
