package streams

import (
	"sync"

	"sluice/internal/ratelimit"
)

// callLimit is a control-plane call rate AWS documents for an operation,
// per account or per stream (and region).
type callLimit struct {
	rate      float64
	perStream bool
}

// callLimits are the documented defaults ("Kinesis Data Streams quotas and
// limits"). Data-plane operations are limited per shard instead (see
// throttle.go); GetShardIterator per shard and SubscribeToShard per
// consumer and shard are checked where they run.
var callLimits = map[string]callLimit{
	"AddTagsToStream":                        {5, false},
	"CreateStream":                           {5, false},
	"DecreaseStreamRetentionPeriod":          {5, true},
	"DeleteResourcePolicy":                   {5, false},
	"DeleteStream":                           {5, false},
	"DeregisterStreamConsumer":               {5, true},
	"DescribeAccountSettings":                {5, false},
	"DescribeLimits":                         {1, false},
	"DescribeStream":                         {10, false},
	"DescribeStreamConsumer":                 {20, true},
	"DescribeStreamSummary":                  {20, false},
	"DisableEnhancedMonitoring":              {5, true},
	"EnableEnhancedMonitoring":               {5, true},
	"GetResourcePolicy":                      {5, false},
	"IncreaseStreamRetentionPeriod":          {5, true},
	"ListShards":                             {1000, true},
	"ListStreamConsumers":                    {5, true},
	"ListStreams":                            {5, false},
	"ListTagsForResource":                    {5, false},
	"ListTagsForStream":                      {5, false},
	"MergeShards":                            {5, true},
	"PutResourcePolicy":                      {5, false},
	"RegisterStreamConsumer":                 {5, true},
	"RemoveTagsFromStream":                   {5, false},
	"SplitShard":                             {5, true},
	"StartStreamEncryption":                  {5, true},
	"StopStreamEncryption":                   {5, true},
	"TagResource":                            {5, false},
	"UntagResource":                          {5, false},
	"UpdateAccountSettings":                  {5, false},
	"UpdateMaxRecordSize":                    {5, true},
	"UpdateShardCount":                       {10, true},
	"UpdateStreamMode":                       {5, true},
	"UpdateStreamWarmThroughput":             {5, true},
	"UpdateStreamRecordDistributionStrategy": {5, true},
}

// callBuckets holds the call-rate buckets.
type callBuckets struct {
	mu      sync.Mutex
	buckets map[string]*ratelimit.Bucket
}

// admit charges one call of action against the caller's (and, for
// per-stream limits, the stream's) rate, answering LimitExceededException
// "Rate exceeded ..." when it is spent.
func (s *Service) admit(c Caller, action, stream string) error {
	if !s.cfg.Limits {
		return nil
	}
	l, ok := callLimits[action]
	if !ok {
		return nil
	}
	key := c.Account + "/" + c.Region + "/" + action
	if l.perStream {
		key += "/" + stream
	}
	now := s.now()
	s.calls.mu.Lock()
	if s.calls.buckets == nil {
		s.calls.buckets = map[string]*ratelimit.Bucket{}
	}
	b := s.calls.buckets[key]
	if b == nil {
		b = ratelimit.New(l.rate, l.rate, now)
		s.calls.buckets[key] = b
	}
	allowed := b.Allow(now, 1)
	s.calls.mu.Unlock()
	if allowed {
		return nil
	}
	if l.perStream {
		return newErr(KindLimitExceeded, "Rate exceeded for stream %s under account %s.", stream, c.Account)
	}
	return newErr(KindLimitExceeded, "Rate exceeded for account %s.", c.Account)
}
