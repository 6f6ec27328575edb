package streams

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"sluice/internal/policy"
	"sluice/internal/storage"
)

// Limits is DescribeLimits' answer.
type Limits struct {
	ShardLimit, OpenShardCount, OnDemandStreamCount, OnDemandStreamCountLimit int
}

// DescribeLimits reports the caller's shard and on-demand quotas and usage.
func (s *Service) DescribeLimits(_ context.Context, c Caller) (Limits, error) {
	if err := s.authorizeAccount(c, "DescribeLimits"); err != nil {
		return Limits{}, err
	}
	if err := s.admit(c, "DescribeLimits", ""); err != nil {
		return Limits{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	open, onDemand := s.accountUsageLocked(c)
	return Limits{
		ShardLimit:               s.cfg.ShardLimit,
		OpenShardCount:           open,
		OnDemandStreamCount:      onDemand,
		OnDemandStreamCountLimit: s.cfg.OnDemandStreamLimit,
	}, nil
}

// Minimum throughput billing commitment states.
const (
	CommitmentEnabled              = "ENABLED"
	CommitmentDisabled             = "DISABLED"
	CommitmentEnabledUntilEarliest = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
	// CommitmentMinimum is how long a commitment must last once enabled.
	CommitmentMinimum = 24 * time.Hour
)

// AccountSettings are an account's per-region settings.
type AccountSettings struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Commitment is the MinimumThroughputBillingCommitment.
	CommitmentStatus  string    `json:"commitmentStatus,omitempty"`
	CommitmentStarted time.Time `json:"commitmentStarted,omitzero"`
	CommitmentEnded   time.Time `json:"commitmentEnded,omitzero"`
	EarliestEnd       time.Time `json:"earliestEnd,omitzero"`
}

// settled returns the settings as of now: a pending disable whose earliest
// end has passed has become DISABLED.
func (a AccountSettings) settled(now time.Time) AccountSettings {
	if a.CommitmentStatus == CommitmentEnabledUntilEarliest && !now.Before(a.EarliestEnd) {
		a.CommitmentStatus = CommitmentDisabled
		a.CommitmentEnded = a.EarliestEnd
	}
	if a.CommitmentStatus == "" {
		a.CommitmentStatus = CommitmentDisabled
	}
	return a
}

// DescribeAccountSettings returns the caller's settings.
func (s *Service) DescribeAccountSettings(ctx context.Context, c Caller) (AccountSettings, error) {
	if err := s.authorizeAccount(c, "DescribeAccountSettings"); err != nil {
		return AccountSettings{}, err
	}
	if err := s.admit(c, "DescribeAccountSettings", ""); err != nil {
		return AccountSettings{}, err
	}
	return s.AccountSettings(ctx, c), nil
}

// AccountSettings returns the caller's settings.
func (s *Service) AccountSettings(_ context.Context, c Caller) AccountSettings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := AccountSettings{Account: c.Account, Region: c.Region}
	if cur := s.accounts[accountKey{c.Account, c.Region}]; cur != nil {
		a = *cur
	}
	return a.settled(s.now())
}

// SetCommitment enables or disables the minimum throughput billing
// commitment. Disabling before the 24-hour minimum leaves it enabled until
// the earliest allowed end; enabling again cancels a pending disable.
func (s *Service) SetCommitment(ctx context.Context, c Caller, enable bool) (AccountSettings, error) {
	if err := s.authorizeAccount(c, "UpdateAccountSettings"); err != nil {
		return AccountSettings{}, err
	}
	if err := s.admit(c, "UpdateAccountSettings", ""); err != nil {
		return AccountSettings{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	a := AccountSettings{Account: c.Account, Region: c.Region}
	if cur := s.accounts[accountKey{c.Account, c.Region}]; cur != nil {
		a = *cur
	}
	a = a.settled(now)
	switch {
	case enable && a.CommitmentStatus == CommitmentEnabledUntilEarliest:
		a.CommitmentStatus = CommitmentEnabled
		a.CommitmentEnded = time.Time{}
	case enable && a.CommitmentStatus == CommitmentDisabled:
		a.CommitmentStatus = CommitmentEnabled
		a.CommitmentStarted = now
		a.CommitmentEnded = time.Time{}
		a.EarliestEnd = now.Add(CommitmentMinimum)
	case !enable && a.CommitmentStatus == CommitmentEnabled:
		if now.Before(a.EarliestEnd) {
			a.CommitmentStatus = CommitmentEnabledUntilEarliest
			a.CommitmentEnded = a.EarliestEnd
		} else {
			a.CommitmentStatus = CommitmentDisabled
			a.CommitmentEnded = now
		}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return AccountSettings{}, err
	}
	err = s.meta.Update(ctx, func(tx storage.MetaTx) error {
		return tx.Put(keyAccounts+c.Account+"/"+c.Region, b)
	})
	if err != nil {
		return AccountSettings{}, err
	}
	s.accounts[accountKey{c.Account, c.Region}] = &a
	return a, nil
}

// AllShardMetrics are the shard-level metrics "ALL" stands for.
var AllShardMetrics = []string{
	"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
}

// SetMonitoring enables or disables shard-level metrics and returns the
// stream with the metrics before and after.
func (s *Service) SetMonitoring(ctx context.Context, c Caller, ref StreamRef, metrics []string, enable bool) (st *Stream, before, after []string, err error) {
	action := "DisableEnhancedMonitoring"
	if enable {
		action = "EnableEnhancedMonitoring"
	}
	want := map[string]bool{}
	for _, m := range metrics {
		if m == "ALL" {
			for _, a := range AllShardMetrics {
				want[a] = true
			}
		} else {
			want[m] = true
		}
	}
	err = s.update(ctx, c, ref, action, func(next *Stream) error {
		before = slices.Clone(next.EnhancedMonitoring)
		var out []string
		for _, m := range AllShardMetrics {
			on := slices.Contains(next.EnhancedMonitoring, m)
			if enable {
				on = on || want[m]
			} else {
				on = on && !want[m]
			}
			if on {
				out = append(out, m)
			}
		}
		next.EnhancedMonitoring = out
		after = slices.Clone(out)
		st = next
		return nil
	})
	return st, before, after, err
}

// SetMaxRecordSize changes the largest record a stream accepts.
func (s *Service) SetMaxRecordSize(ctx context.Context, c Caller, ref StreamRef, kib int64) error {
	return s.update(ctx, c, ref, "UpdateMaxRecordSize", func(st *Stream) error {
		st.MaxRecordKiB = kib
		return nil
	})
}

// PutPolicy attaches a resource policy to a stream or consumer. The
// policy must be a valid resource-based policy document: it is evaluated
// on every call to the resource.
func (s *Service) PutPolicy(ctx context.Context, c Caller, arn, doc string) error {
	if !json.Valid([]byte(doc)) {
		return newErr(KindInvalidArgument, "Policy document is not valid JSON.")
	}
	if _, err := policy.Parse(doc, policy.Resource); err != nil {
		var m *policy.MalformedError
		if errors.As(err, &m) {
			return newErr(KindInvalidArgument, "Invalid policy document: %s", m.Message)
		}
		return newErr(KindInvalidArgument, "Invalid policy document: %s", err)
	}
	r := resourceOf(StreamRef{ARN: arn})
	return s.mutateResource(ctx, c, r, "PutResourcePolicy", notDeleting, func(st *Stream) error {
		p, err := r.policy(st)
		if err != nil {
			return err
		}
		*p = doc
		return nil
	})
}

// Policy returns a resource's policy, "{}" when there is none.
func (s *Service) Policy(_ context.Context, c Caller, arn string) (string, error) {
	r := resourceOf(StreamRef{ARN: arn})
	ls, err := s.resolveResource(c, r, "GetResourcePolicy")
	if err != nil {
		return "", err
	}
	p, err := r.policy(ls.snapshot())
	if err != nil {
		return "", err
	}
	if *p != "" {
		return *p, nil
	}
	return "{}", nil
}

// DeletePolicy removes a resource's policy.
func (s *Service) DeletePolicy(ctx context.Context, c Caller, arn string) error {
	r := resourceOf(StreamRef{ARN: arn})
	return s.mutateResource(ctx, c, r, "DeleteResourcePolicy", notDeleting, func(st *Stream) error {
		p, err := r.policy(st)
		if err != nil {
			return err
		}
		if *p == "" {
			return newErr(KindNotFound, "No resource policy found for resource %s.", arn)
		}
		*p = ""
		return nil
	})
}
