package streams

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Enhanced fan-out consumers. A consumer belongs to a stream and is stored
// with it; its ARN carries its creation time, so a consumer registered
// again under the same name is a different consumer.

// Consumer states.
const (
	ConsumerCreating = "CREATING"
	ConsumerActive   = "ACTIVE"
	ConsumerDeleting = "DELETING"
)

// Consumer is a registered enhanced fan-out consumer.
type Consumer struct {
	Name        string            `json:"name"`
	Created     time.Time         `json:"created"`
	Status      string            `json:"status"`
	StatusUntil time.Time         `json:"statusUntil,omitzero"`
	Tags        map[string]string `json:"tags,omitempty"`
	Policy      string            `json:"policy,omitempty"`
}

// ConsumerARN is arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<epoch seconds>.
func (st *Stream) ConsumerARN(c *Consumer) string {
	return st.ARN() + "/consumer/" + c.Name + ":" + strconv.FormatInt(c.Created.Unix(), 10)
}

// consumer finds a consumer by name.
func (st *Stream) consumer(name string) *Consumer {
	for i := range st.Consumers {
		if st.Consumers[i].Name == name {
			return &st.Consumers[i]
		}
	}
	return nil
}

// parseConsumerARN splits a consumer ARN into its stream ARN, the consumer
// name and its creation time.
func parseConsumerARN(arn string) (streamARN, name string, created int64, ok bool) {
	streamPart, consumerPart, found := strings.Cut(arn, "/consumer/")
	if !found {
		return "", "", 0, false
	}
	name, epoch, found := strings.Cut(consumerPart, ":")
	if !found || name == "" {
		return "", "", 0, false
	}
	created, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return "", "", 0, false
	}
	return streamPart, name, created, true
}

// ConsumerRef names a consumer: by its ARN, or by stream ARN and name.
type ConsumerRef struct {
	ARN       string
	StreamARN string
	Name      string
}

// ConsumerInfo is a consumer with its stream.
type ConsumerInfo struct {
	Stream   *Stream
	Consumer Consumer
	ARN      string
}

// resolveConsumer finds a consumer in any state.
func (s *Service) resolveConsumer(c Caller, ref ConsumerRef, action string) (*liveStream, *Stream, *Consumer, error) {
	streamARN, name := ref.StreamARN, ref.Name
	var created int64 = -1
	if ref.ARN != "" {
		var ok bool
		if streamARN, name, created, ok = parseConsumerARN(ref.ARN); !ok {
			return nil, nil, nil, errConsumerNotFound(ref.ARN, c.Account)
		}
		if ref.StreamARN != "" && ref.StreamARN != streamARN || ref.Name != "" && ref.Name != name {
			return nil, nil, nil, newErr(KindInvalidArgument, "ConsumerARN %s does not match the StreamARN and ConsumerName given.", ref.ARN)
		}
	}
	if streamARN == "" || name == "" {
		return nil, nil, nil, newErr(KindInvalidArgument, "Either ConsumerARN or both ConsumerName and StreamARN must be provided.")
	}
	requested := ref.ARN
	if requested == "" {
		requested = streamARN + "/consumer/" + name
	}
	ls, _, err := s.find(c, StreamRef{ARN: streamARN}, action)
	if err != nil {
		return nil, nil, nil, s.deniedAs(err, c, action, requested)
	}
	st := ls.snapshot()
	cons := st.consumer(name)
	if cons == nil || created >= 0 && cons.Created.Unix() != created {
		if st.Account != c.Account {
			return nil, nil, nil, s.crossAccountMissing(c, action, requested, st.Account)
		}
		id := ref.ARN
		if id == "" {
			id = name
		}
		return nil, nil, nil, errConsumerNotFound(id, c.Account)
	}
	// A consumer's own policy governs it, not its stream's.
	if err := s.authorize(c, action, st.ConsumerARN(cons), st.Account, cons.Policy); err != nil {
		return nil, nil, nil, err
	}
	return ls, st, cons, nil
}

// RegisterConsumer registers a consumer (CREATING, then ACTIVE).
func (s *Service) RegisterConsumer(ctx context.Context, c Caller, streamARN, name string, tags map[string]string) (ConsumerInfo, error) {
	if err := checkTags(tags); err != nil {
		return ConsumerInfo{}, err
	}
	// Tags given at registration need the tagging permission on the
	// stream too (the consumer's ARN does not exist yet).
	if len(tags) > 0 {
		if err := s.Authorized(c, StreamRef{ARN: streamARN}, "TagResource"); err != nil {
			return ConsumerInfo{}, err
		}
	}
	var info ConsumerInfo
	err := s.mutate(ctx, c, StreamRef{ARN: streamARN}, "RegisterStreamConsumer", notCreatingOrDeleting, func(st *Stream) error {
		if st.consumer(name) != nil {
			return errConsumerExists(name, st)
		}
		if len(st.Consumers) >= MaxConsumersPerStream {
			return errTooManyConsumers(st)
		}
		now := s.now()
		cons := Consumer{Name: name, Created: now.Truncate(time.Second), Status: ConsumerActive, Tags: copyTags(tags)}
		if s.cfg.CreateDelay > 0 {
			cons.Status, cons.StatusUntil = ConsumerCreating, now.Add(s.cfg.CreateDelay)
		}
		st.Consumers = append(st.Consumers, cons)
		info = ConsumerInfo{Stream: st, Consumer: cons, ARN: st.ConsumerARN(&cons)}
		return nil
	})
	if err != nil {
		return ConsumerInfo{}, err
	}
	if info.Consumer.Status != ConsumerActive {
		s.scheduleConsumer(info.Stream, info.Consumer)
	}
	return info, nil
}

// DeregisterConsumer starts removing a consumer (DELETING, then gone).
func (s *Service) DeregisterConsumer(ctx context.Context, c Caller, ref ConsumerRef) error {
	_, st, cons, err := s.resolveConsumer(c, ref, "DeregisterStreamConsumer")
	if err != nil {
		return err
	}
	name, created := cons.Name, cons.Created
	var after Consumer
	// The call was admitted and authorized by resolveConsumer; the change
	// is Sluice's own ("" charges no call rate).
	err = s.mutate(ctx, owner(st), StreamRef{ARN: st.ARN()}, "", notDeleting, func(next *Stream) error {
		cur := next.consumer(name)
		if cur == nil || !cur.Created.Equal(created) {
			return errConsumerNotFound(name, c.Account)
		}
		if cur.Status == ConsumerDeleting {
			return errConsumerNotActive(cur, next)
		}
		if s.cfg.DeleteDelay <= 0 {
			next.removeConsumer(name)
			return nil
		}
		cur.Status, cur.StatusUntil = ConsumerDeleting, s.now().Add(s.cfg.DeleteDelay)
		after = *cur
		return nil
	})
	if err == nil && after.Status == ConsumerDeleting {
		s.scheduleConsumer(st, after)
	}
	return err
}

func (st *Stream) removeConsumer(name string) {
	for i := range st.Consumers {
		if st.Consumers[i].Name == name {
			st.Consumers = append(st.Consumers[:i], st.Consumers[i+1:]...)
			return
		}
	}
}

// DescribeConsumer returns one consumer.
func (s *Service) DescribeConsumer(_ context.Context, c Caller, ref ConsumerRef) (ConsumerInfo, error) {
	_, st, cons, err := s.resolveConsumer(c, ref, "DescribeStreamConsumer")
	if err != nil {
		return ConsumerInfo{}, err
	}
	return ConsumerInfo{Stream: st, Consumer: *cons, ARN: st.ConsumerARN(cons)}, nil
}

// ListConsumers returns a stream's consumers in creation order, paged.
func (s *Service) ListConsumers(_ context.Context, c Caller, streamARN string, streamCreated *time.Time, nextToken string, max int) ([]ConsumerInfo, string, error) {
	after := ""
	if nextToken != "" {
		payload, ok := s.sealer.open(tokenListConsumers, nextToken)
		r := tokenReader{b: payload}
		created := time.UnixMilli(r.i64())
		arn, last := r.str(), r.str()
		if !ok || !r.done() || arn != streamARN {
			return nil, "", errInvalidNextToken()
		}
		if s.now().Sub(created) > NextTokenLifetime {
			return nil, "", errExpiredNextToken()
		}
		after = last
	}
	ls, _, err := s.resolve(c, StreamRef{ARN: streamARN}, "ListStreamConsumers")
	if err != nil {
		return nil, "", err
	}
	st := ls.snapshot()
	if streamCreated != nil && !streamCreated.Equal(st.Created) {
		return nil, "", errStreamNotFound(st.Name, c.Account)
	}
	all := append([]Consumer(nil), st.Consumers...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	if max <= 0 {
		max = 100
	}
	var out []ConsumerInfo
	token := ""
	for i := range all {
		if all[i].Name <= after {
			continue
		}
		if len(out) == max {
			var w tokenWriter
			w.i64(s.now().UnixMilli())
			w.str(streamARN)
			w.str(out[len(out)-1].Consumer.Name)
			token = s.sealer.seal(tokenListConsumers, w.b)
			break
		}
		out = append(out, ConsumerInfo{Stream: st, Consumer: all[i], ARN: st.ConsumerARN(&all[i])})
	}
	return out, token, nil
}

// scheduleConsumer ends a consumer's CREATING or DELETING state when due.
func (s *Service) scheduleConsumer(st *Stream, cons Consumer) {
	key := st.ConsumerARN(&cons)
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.timers[key]; t != nil {
		t.Stop()
	}
	// Ending the state is Sluice's own change, whoever asked for it.
	s.timers[key] = time.AfterFunc(max(cons.StatusUntil.Sub(s.now()), 0), func() {
		s.finishConsumer(owner(st), st.ARN(), cons.Name, cons.Created, key)
	})
}

func (s *Service) finishConsumer(c Caller, streamARN, name string, created time.Time, key string) {
	select {
	case <-s.stop:
		return
	default:
	}
	s.mu.Lock()
	delete(s.timers, key)
	s.mu.Unlock()
	err := s.mutate(context.Background(), c, StreamRef{ARN: streamARN}, "", notDeleting, func(st *Stream) error {
		cur := st.consumer(name)
		if cur == nil || !cur.Created.Equal(created) {
			return nil
		}
		switch cur.Status {
		case ConsumerCreating:
			cur.Status, cur.StatusUntil = ConsumerActive, time.Time{}
		case ConsumerDeleting:
			st.removeConsumer(name)
		}
		return nil
	})
	if err != nil && KindOf(err) != KindNotFound {
		s.log.Error("finishing consumer transition", "consumer", key, "err", err)
	}
}

func notCreatingOrDeleting(st *Stream) error {
	if st.Status == StatusCreating || st.Status == StatusDeleting {
		return errStreamNotActive(st.Name, st.Account, st.Status)
	}
	return nil
}
