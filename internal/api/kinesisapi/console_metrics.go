package kinesisapi

import (
	"sluice/internal/awsproto"
	"sluice/internal/metrics"
	"sluice/internal/streams"
)

// Metrics returns the function the console reads a stream's per-minute
// figures with, its errors being the API's (ResourceNotFoundException, ...).
func Metrics(svc *streams.Service) func(c awsproto.Caller, stream string, minutes int) ([]metrics.Point, error) {
	return func(c awsproto.Caller, stream string, minutes int) ([]metrics.Point, error) {
		points, err := svc.StreamMetrics(streams.Caller{Account: c.AccountID, Region: c.Region}, streams.StreamRef{Name: stream}, minutes)
		return points, wire(err)
	}
}
