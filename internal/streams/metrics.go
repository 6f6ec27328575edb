package streams

import "sluice/internal/metrics"

// StreamMetrics returns a stream's figures for the last minutes minutes,
// one point per minute, oldest first (see package metrics). It is not an
// AWS operation (CloudWatch serves these there) and is not rate-limited.
func (s *Service) StreamMetrics(c Caller, ref StreamRef, minutes int) ([]metrics.Point, error) {
	ls, _, err := s.resolve(c, ref, "GetMetricData")
	if err != nil {
		return nil, err
	}
	return ls.metrics.Range(s.now(), minutes), nil
}
