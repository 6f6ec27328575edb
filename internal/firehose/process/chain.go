package process

// BeforeLambda runs the processors AWS runs before the Lambda function, in
// AWS's order whatever the order of the specs: KPL de-aggregation (Kinesis
// sources), Decompression, CloudWatchLogProcessing, RecordDeAggregation.
// Records come out in input order, sub-records in their order within their
// record, numbered by Sub from 0 for each input record; failed records are
// left out of out. With none of these stages configured, in is returned as
// it is.
func (c *Chain) BeforeLambda(in []Record) (out []Record, failed []Failure) {
	if c == nil || (!c.kinesis && !c.decompress && !c.cwl && c.split == nil) {
		return in, nil
	}
	out = make([]Record, 0, len(in))
	emit := func(r Record) { out = append(out, r) }
	fail := func(f Failure) { failed = append(failed, f) }
	for _, r := range in {
		first := len(out)
		c.splitStage(r, func(r Record) { c.after(r, emit, fail) })
		for i := first; i < len(out); i++ {
			out[i].Sub = i - first
		}
	}
	return out, failed
}

// splitStage is the first stage: KPL de-aggregation when reading from a
// Kinesis data stream, else the record as it is.
func (c *Chain) splitStage(r Record, emit func(Record)) {
	if c.kinesis {
		deaggregateKPL(r, emit)
		return
	}
	emit(r)
}

// after runs Decompression, CloudWatchLogProcessing and RecordDeAggregation
// on one record.
func (c *Chain) after(r Record, emit func(Record), fail func(Failure)) {
	deagg := func(r Record) {
		if c.split == nil {
			emit(r)
			return
		}
		parts := c.split.split(r.Data)
		if parts == nil {
			emit(r)
			return
		}
		for _, p := range parts {
			sub := r
			sub.Data = p
			emit(sub)
		}
	}
	cwl := deagg
	if c.cwl {
		cwl = func(r Record) { extractMessages(r, deagg, fail) }
	}
	if c.decompress {
		decompress(r, cwl, fail)
		return
	}
	cwl(r)
}

// AfterLambda runs the processors AWS runs after the Lambda function:
// MetadataExtraction (the partitionKeyFromQuery keys go to Keys, replacing
// what was there), then AppendDelimiterToRecord. Records the query fails
// are left out of out.
func (c *Chain) AfterLambda(in []Record) (out []Record, failed []Failure) {
	if c == nil || (c.meta == nil && c.delimiter == nil) {
		return in, nil
	}
	out = make([]Record, 0, len(in))
	for _, r := range in {
		if c.meta != nil {
			keys, msg := c.meta.extract(r.Data)
			if msg != "" {
				failed = append(failed, Failure{Record: r, Code: CodeMetadataExtractionFailed,
					Output: OutputMetadataExtractionFailed, Message: msg})
				continue
			}
			r.Keys = keys
		}
		if c.delimiter != nil {
			r.Data = append(r.Data[:len(r.Data):len(r.Data)], c.delimiter...)
		}
		out = append(out, r)
	}
	return out, failed
}
