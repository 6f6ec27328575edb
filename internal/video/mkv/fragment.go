package mkv

// What the domain checks of a cluster before it becomes a fragment.

// FirstTrack returns the first track of type t (the video track of a KVS
// stream is usually track 1), or nil.
func (h *Header) FirstTrack(t TrackType) *Track {
	for i := range h.Tracks {
		if h.Tracks[i].Type == t {
			return &h.Tracks[i]
		}
	}
	return nil
}

// FirstFrame returns the cluster's first frame of track n in stream order,
// or nil.
func (c *Cluster) FirstFrame(n uint64) *Frame {
	for i := range c.Frames {
		if c.Frames[i].Track == n {
			return &c.Frames[i]
		}
	}
	return nil
}

// StartsWithKeyFrame reports whether the cluster's first frame of track n
// is a key frame (false if the track has no frame in it).
func (c *Cluster) StartsWithKeyFrame(n uint64) bool {
	f := c.FirstFrame(n)
	return f != nil && f.Key
}

// FrameCount returns how many frames of track n the cluster holds.
func (c *Cluster) FrameCount(n uint64) int {
	k := 0
	for i := range c.Frames {
		if c.Frames[i].Track == n {
			k++
		}
	}
	return k
}

// Span returns the earliest and the latest frame timecodes of the cluster,
// in ticks (frames need not be in timecode order: B-frames, interleaved
// tracks); ok is false if the cluster has no frame.
func (c *Cluster) Span() (first, last int64, ok bool) {
	if len(c.Frames) == 0 {
		return 0, 0, false
	}
	first, last = c.Frames[0].Timecode, c.Frames[0].Timecode
	for _, f := range c.Frames[1:] {
		first = min(first, f.Timecode)
		last = max(last, f.Timecode)
	}
	return first, last, true
}

// Duration returns the cluster's length in ticks: from its earliest frame
// to the latest end of a frame, a frame ending at its timecode plus its
// Duration or, without one, its track's DefaultDuration (h gives those; it
// may be nil). 0 if the cluster has no frame.
func (c *Cluster) Duration(h *Header) int64 {
	first, _, ok := c.Span()
	if !ok {
		return 0
	}
	end := first
	for _, f := range c.Frames {
		d := f.Duration
		if d == 0 && h != nil && h.TimecodeScale > 0 {
			if t := h.Track(f.Track); t != nil {
				d = laceOffset(1, t.DefaultDuration, h.TimecodeScale)
			}
		}
		end = max(end, f.Timecode+d)
	}
	return end - first
}
