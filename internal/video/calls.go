package video

import (
	"sync"

	"sluice/internal/ratelimit"
)

// callLimit is a control-plane call rate AWS documents for an operation:
// per account (and region), and per stream when stream is not zero.
type callLimit struct{ account, stream float64 }

// callLimits are the documented defaults (the developer guide's "Kinesis
// Video Streams service quotas", control plane API quotas), enforced with
// Config.Limits; past them, ClientLimitExceededException. Operations the
// page does not list (signaling channels, TagResource and its kin, the
// storage configurations) are not limited.
var callLimits = map[string]callLimit{
	"CreateStream":                         {50, 0},
	"DeleteEdgeConfiguration":              {10, 1},
	"DeleteStream":                         {50, 5},
	"DescribeEdgeConfiguration":            {50, 5},
	"DescribeImageGenerationConfiguration": {50, 5},
	"DescribeMappedResourceConfiguration":  {50, 5},
	"DescribeNotificationConfiguration":    {50, 5},
	"DescribeStream":                       {300, 5},
	"GetDataEndpoint":                      {300, 5},
	"ListEdgeAgentConfigurations":          {50, 0},
	"ListStreams":                          {50, 0},
	"ListTagsForStream":                    {50, 5},
	"StartEdgeConfigurationUpdate":         {10, 1},
	"TagStream":                            {50, 5},
	"UntagStream":                          {50, 5},
	"UpdateDataRetention":                  {50, 5},
	"UpdateImageGenerationConfiguration":   {50, 5},
	"UpdateNotificationConfiguration":      {50, 5},
	"UpdateStream":                         {50, 5},
}

// callBuckets holds the call-rate buckets, by account/region/operation
// (and /stream).
type callBuckets struct {
	mu      sync.Mutex
	buckets map[string]*ratelimit.Bucket
}

func (b *callBuckets) get(key string, rate float64, s *Service) *ratelimit.Bucket {
	if b.buckets == nil {
		b.buckets = map[string]*ratelimit.Bucket{}
	}
	bk := b.buckets[key]
	if bk == nil {
		bk = ratelimit.New(rate, rate, s.cfg.Now())
		b.buckets[key] = bk
	}
	return bk
}

// admit charges one call of op against the caller's rate for it and, for
// a per-stream limit, the stream's (named by ref, as the caller named it):
// a KindClientLimit error when either is spent, and then neither is
// charged.
func (s *Service) admit(c Caller, op string, ref Ref) error {
	if !s.cfg.Limits {
		return nil
	}
	l, ok := callLimits[op]
	if !ok {
		return nil
	}
	key := c.Account + "/" + c.Region + "/" + op
	now := s.cfg.Now()
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	acct := s.calls.get(key, l.account, s)
	var stream = acct
	if l.stream > 0 {
		name := ref.Name
		if name == "" {
			name = ref.ARN
		}
		stream = s.calls.get(key+"/"+name, l.stream, s)
	}
	if acct.Tokens(now) < 1 || stream.Tokens(now) < 1 {
		return newErr(KindClientLimit, "Rate exceeded for %s under account %s.", op, c.Account)
	}
	acct.Take(now, 1)
	if stream != acct {
		stream.Take(now, 1)
	}
	return nil
}
