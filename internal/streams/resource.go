package streams

// resource is what the ARN-addressed operations (TagResource, the resource
// policy operations) address: a stream, or one of its consumers.
type resource struct {
	stream   StreamRef
	consumer string // "" for the stream itself
	created  int64
	arn      string
}

func resourceOf(ref StreamRef) resource {
	if streamARN, name, created, ok := parseConsumerARN(ref.ARN); ok {
		return resource{stream: StreamRef{ARN: streamARN}, consumer: name, created: created, arn: ref.ARN}
	}
	return resource{stream: ref, arn: ref.ARN}
}

// find returns the consumer the resource names (nil for a stream).
func (r resource) find(st *Stream) (*Consumer, error) {
	if r.consumer == "" {
		return nil, nil
	}
	c := st.consumer(r.consumer)
	if c == nil || c.Created.Unix() != r.created {
		return nil, errConsumerNotFound(r.arn, st.Account)
	}
	return c, nil
}

// tags returns the tag map of the resource inside st.
func (r resource) tags(st *Stream) (*map[string]string, error) {
	c, err := r.find(st)
	if err != nil {
		return nil, err
	}
	if c != nil {
		return &c.Tags, nil
	}
	return &st.Tags, nil
}

// policy returns the policy of the resource inside st.
func (r resource) policy(st *Stream) (*string, error) {
	c, err := r.find(st)
	if err != nil {
		return nil, err
	}
	if c != nil {
		return &c.Policy, nil
	}
	return &st.Policy, nil
}

// resolveResource finds the stream of r and checks that the caller may
// perform action on r: the stream, or the consumer under its own policy.
func (s *Service) resolveResource(c Caller, r resource, action string) (*liveStream, error) {
	if r.consumer == "" {
		ls, _, err := s.resolve(c, r.stream, action)
		return ls, err
	}
	ls, _, err := s.find(c, r.stream, action)
	if err != nil {
		return nil, s.deniedAs(err, c, action, r.arn)
	}
	st := ls.snapshot()
	cons, err := r.find(st)
	if err != nil {
		if st.Account != c.Account {
			return nil, s.crossAccountMissing(c, action, r.arn, st.Account)
		}
		return nil, err
	}
	if err := s.authorize(c, action, r.arn, st.Account, cons.Policy); err != nil {
		return nil, err
	}
	return ls, nil
}
