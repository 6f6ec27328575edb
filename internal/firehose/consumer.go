package firehose

import (
	"sluice/internal/storage"
)

// Log returns a delivery stream and its own log, for Sluice's services that
// read what the delivery stream takes in (Data Analytics reads a delivery
// stream input this way): shard 0 holds every record accepted, in order,
// with its arrival time, for 24 hours; Log.Watch wakes a reader when
// records arrive. The log is the delivery stream's, shared: readers must
// not append to it, and must stop using it once the delivery stream is
// gone (Log answers NotFound then, and a log closed under a reader reads
// nothing more).
func (s *Service) Log(c Caller, name string) (*DeliveryStream, storage.Log, error) {
	l, err := s.get(c, name)
	if err != nil {
		return nil, nil, err
	}
	return l.snapshot(), l.log, nil
}
