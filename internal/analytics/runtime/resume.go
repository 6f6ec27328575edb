package runtime

// resumeFilter drops, after a start from LAST_STOPPED_POINT, the rows an
// output delivered before: the replay makes them again. Its mark says
// every row before T was delivered, and N rows at T whose hashes sum to
// Sum. Rows before T are dropped; the first N rows at T are held until all
// N are there, then dropped if their sum matches (the replay made the same
// rows) and sent otherwise; rows after them pass, and the filter is done.
// Sending the held rows when they do not match (the replay made other rows
// at T, which with the same configuration only a clock that stepped back
// causes) repeats some rows rather than lose any. After an update (byCount)
// the rows made again come from the same records under the new
// configuration and may differ: the first N at T are dropped whatever they
// hold, so that an update repeats nothing, as on AWS.
type resumeFilter struct {
	mark    outputMark
	byCount bool
	held    []outRecord
	sum     uint64
	done    bool
}

// take returns the records of rec (and of those held) to send.
func (f *resumeFilter) take(rec outRecord, o *output) []outRecord {
	switch {
	case f.done:
		return []outRecord{rec}
	case rec.t < f.mark.T:
		return nil
	case rec.t == f.mark.T && int64(len(f.held)) < f.mark.N:
		f.held = append(f.held, rec)
		f.sum += rec.hash
		if int64(len(f.held)) < f.mark.N {
			return nil
		}
		f.done = true
		if f.sum == f.mark.Sum || f.byCount {
			return nil // delivered before
		}
		return f.mismatch(o)
	default:
		// A row after the held ones: fewer rows at T than were delivered.
		f.done = true
		if f.byCount {
			return []outRecord{rec}
		}
		return append(f.mismatch(o), rec)
	}
}

// mismatch gives up on the held rows: they are sent, and the mark at T
// counts them afresh.
func (f *resumeFilter) mismatch(o *output) []outRecord {
	if len(f.held) == 0 {
		return nil
	}
	o.log.Warn("the replay made other rows than were delivered before the restart: sending them again",
		"output", o.cfg.ID, "rowtime", f.mark.T, "delivered", f.mark.N, "made", len(f.held))
	o.resetMark(f.mark.T, f.mark.R)
	held := f.held
	f.held = nil
	return held
}
