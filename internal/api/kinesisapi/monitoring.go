package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// EnableEnhancedMonitoring and DisableEnhancedMonitoring: shard-level
// metrics by name, "ALL" meaning all seven; the answer lists the metrics
// before (Current) and after (Desired) the change.

var monitoringInput = structOf("EnhancedMonitoringInput",
	shape.Req("ShardLevelMetrics", shape.ListOf(metricsNameShape).Len(1, 7)),
)

type monitoringIn struct {
	ShardLevelMetrics []string
	StreamARN         *string
	StreamId          *string
	StreamName        *string
}

type monitoringOut struct {
	StreamName               string   `json:"StreamName"`
	StreamARN                string   `json:"StreamARN"`
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
}

func (a *API) enableEnhancedMonitoring(ctx context.Context, in *monitoringIn) (*monitoringOut, error) {
	return a.setMonitoring(ctx, in, true)
}

func (a *API) disableEnhancedMonitoring(ctx context.Context, in *monitoringIn) (*monitoringOut, error) {
	return a.setMonitoring(ctx, in, false)
}

func (a *API) setMonitoring(ctx context.Context, in *monitoringIn, enable bool) (*monitoringOut, error) {
	st, before, after, err := a.svc.SetMonitoring(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.ShardLevelMetrics, enable)
	if err != nil {
		return nil, wire(err)
	}
	if before == nil {
		before = []string{}
	}
	if after == nil {
		after = []string{}
	}
	return &monitoringOut{StreamName: st.Name, StreamARN: st.ARN(), CurrentShardLevelMetrics: before, DesiredShardLevelMetrics: after}, nil
}
