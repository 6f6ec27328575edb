package kinesisapi

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// DescribeLimits, DescribeAccountSettings and UpdateAccountSettings: the
// account's shard quota and usage, and the minimum throughput billing
// commitment (ENABLED; a disable within the first 24 hours stays
// ENABLED_UNTIL_EARLIEST_ALLOWED_END until then; enabling again cancels it).

var describeLimitsInput = shape.Struct().Named("DescribeLimitsInput")

type describeLimitsIn struct{}

type describeLimitsOut struct {
	ShardLimit               int `json:"ShardLimit"`
	OpenShardCount           int `json:"OpenShardCount"`
	OnDemandStreamCount      int `json:"OnDemandStreamCount"`
	OnDemandStreamCountLimit int `json:"OnDemandStreamCountLimit"`
}

func (a *API) describeLimits(ctx context.Context, _ *describeLimitsIn) (*describeLimitsOut, error) {
	l, err := a.svc.DescribeLimits(ctx, caller(ctx))
	if err != nil {
		return nil, wire(err)
	}
	return &describeLimitsOut{
		ShardLimit:               l.ShardLimit,
		OpenShardCount:           l.OpenShardCount,
		OnDemandStreamCount:      l.OnDemandStreamCount,
		OnDemandStreamCountLimit: l.OnDemandStreamCountLimit,
	}, nil
}

type commitmentOut struct {
	Status               string              `json:"Status"`
	StartedAt            *awsproto.Timestamp `json:"StartedAt,omitempty"`
	EndedAt              *awsproto.Timestamp `json:"EndedAt,omitempty"`
	EarliestAllowedEndAt *awsproto.Timestamp `json:"EarliestAllowedEndAt,omitempty"`
}

type accountSettingsOut struct {
	MinimumThroughputBillingCommitment *commitmentOut `json:"MinimumThroughputBillingCommitment,omitempty"`
}

func toAccountSettings(s streams.AccountSettings) *accountSettingsOut {
	c := &commitmentOut{Status: s.CommitmentStatus}
	if !s.CommitmentStarted.IsZero() {
		c.StartedAt = awsproto.TimeOf(s.CommitmentStarted)
	}
	if !s.CommitmentEnded.IsZero() {
		c.EndedAt = awsproto.TimeOf(s.CommitmentEnded)
	}
	if !s.EarliestEnd.IsZero() {
		c.EarliestAllowedEndAt = awsproto.TimeOf(s.EarliestEnd)
	}
	return &accountSettingsOut{MinimumThroughputBillingCommitment: c}
}

var describeAccountSettingsInput = shape.Struct().Named("DescribeAccountSettingsInput")

type describeAccountSettingsIn struct{}

func (a *API) describeAccountSettings(ctx context.Context, _ *describeAccountSettingsIn) (*accountSettingsOut, error) {
	s, err := a.svc.DescribeAccountSettings(ctx, caller(ctx))
	if err != nil {
		return nil, wire(err)
	}
	return toAccountSettings(s), nil
}

var updateAccountSettingsInput = shape.Struct(
	shape.Req("MinimumThroughputBillingCommitment", shape.Struct(
		shape.Req("Status", shape.Str().OneOf("ENABLED", "DISABLED")),
	).Named("MinimumThroughputBillingCommitmentInput")),
).Named("UpdateAccountSettingsInput")

type updateAccountSettingsIn struct {
	MinimumThroughputBillingCommitment struct{ Status string }
}

func (a *API) updateAccountSettings(ctx context.Context, in *updateAccountSettingsIn) (*accountSettingsOut, error) {
	s, err := a.svc.SetCommitment(ctx, caller(ctx), in.MinimumThroughputBillingCommitment.Status == streams.CommitmentEnabled)
	if err != nil {
		return nil, wire(err)
	}
	return toAccountSettings(s), nil
}
