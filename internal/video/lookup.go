package video

// StreamByID returns a copy of the stream with that ID, in any state, for
// the data plane (retention follows UpdateDataRetention through it).
func (s *Service) StreamByID(id string) (*Stream, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.streams {
		if st.ID == id {
			return st.clone(), true
		}
	}
	return nil, false
}
