package cluster

import (
	"context"
	"strings"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/server"
	"sluice/internal/storage"
	storagecluster "sluice/internal/storage/cluster"
	"sluice/internal/video"
)

// The units placed on nodes, each named by its placement key
// (<prefix>placement/<unit>): a stream by its ID, a delivery stream and a
// video stream by their log's ID (firehose.LogPrefix or video.LogPrefix
// and the ID), an application by applicationUnit and its ID. Stream IDs
// are hexadecimal, so the names never meet.
const applicationUnit = "analytics-"

// unitOf returns the placement unit m names, if its kind is placed on
// nodes.
func unitOf(m *storage.Moved) (string, bool) {
	switch {
	case m == nil:
		return "", false
	case m.Kind == storage.KindStream:
		return m.ID, true
	case m.Kind == storage.KindDeliveryStream:
		return firehose.LogPrefix + m.ID, true
	case m.Kind == storage.KindApplication:
		return applicationUnit + m.ID, true
	case m.Kind == storage.KindVideoStream:
		return video.LogPrefix + m.ID, true
	}
	return "", false
}

// loadUnit makes srv's services run the unit, which backend has placed
// here: an application's metadata is fenced with its placement first.
func loadUnit(ctx context.Context, srv *server.Server, backend *storagecluster.Backend, unit string) error {
	if id, ok := strings.CutPrefix(unit, firehose.LogPrefix); ok {
		return srv.Firehose().LoadDeliveryStream(ctx, id)
	}
	if id, ok := strings.CutPrefix(unit, applicationUnit); ok {
		keys, err := srv.Analytics().FencedKeysOf(ctx, id)
		if err != nil {
			return err
		}
		if err := backend.FenceMeta(unit, keys...); err != nil {
			return err
		}
		return srv.Analytics().LoadApplication(ctx, id)
	}
	if id, ok := strings.CutPrefix(unit, video.LogPrefix); ok {
		return srv.Video().LoadVideoStream(ctx, id)
	}
	return srv.Streams().LoadStream(ctx, unit)
}

// dropUnit lets go of the unit if srv's services run it.
func dropUnit(srv *server.Server, unit string) {
	if id, ok := strings.CutPrefix(unit, firehose.LogPrefix); ok {
		srv.Firehose().DropDeliveryStream(id)
		return
	}
	if id, ok := strings.CutPrefix(unit, applicationUnit); ok {
		srv.Analytics().DropApplication(id)
		return
	}
	if id, ok := strings.CutPrefix(unit, video.LogPrefix); ok {
		srv.Video().DropVideoStream(id)
		return
	}
	srv.Streams().DropStream(unit)
}

// clusterUnits lists the units for the coordinator's plan, and the links
// between those that must run on one node. A stream weighs its open
// shards, a delivery stream, an application and a video stream 1. A delivery stream is
// linked to the stream it reads, an application to the streams and
// delivery streams it reads and writes: their services read and write
// them in process. The delivery streams of channels, and their source
// streams, are pinned to the owner, where channels run. A stream the
// owner runs without a placement key (created there) is marked Here.
func clusterUnits(srv *server.Server) ([]planUnit, [][2]string) {
	all, owned := srv.Streams().Snapshots()
	deliveries := srv.Firehose().Snapshots()
	units := make([]planUnit, 0, len(all)+len(deliveries))
	byARN := make(map[string]string, len(all)+len(deliveries)) // stream or delivery stream ARN -> unit
	for i, st := range all {
		units = append(units, planUnit{ID: st.ID, Weight: len(st.OpenShards()), Here: owned[i]})
		byARN[st.ARN()] = st.ID
	}
	var links [][2]string
	link := func(unit, arn string) {
		if other, ok := byARN[arn]; ok {
			links = append(links, [2]string{unit, other})
		}
	}
	for _, ds := range deliveries {
		unit := firehose.LogPrefix + ds.ID
		units = append(units, planUnit{ID: unit, Weight: 1, Pinned: ds.Owner != ""})
		byARN[ds.ARN()] = unit
		if ds.Source != nil {
			link(unit, ds.Source.StreamARN)
		}
	}
	srv.Analytics().Each(func(a *analytics.Application) {
		unit := applicationUnit + a.ID
		units = append(units, planUnit{ID: unit, Weight: 1})
		for _, in := range a.Inputs {
			link(unit, in.Source.ARN)
		}
		for _, out := range a.Outputs {
			link(unit, out.Destination.ARN)
		}
	})
	for _, id := range srv.Video().StreamIDs() {
		units = append(units, planUnit{ID: video.LogPrefix + id, Weight: 1})
	}
	return units, links
}
