package redshift

import (
	"bytes"
	"encoding/json"
)

// Manifest returns the JSON manifest Firehose writes under errors/ for
// objects it skipped after the retry duration, in the format Redshift's
// COPY ... MANIFEST reads ("Using a manifest to specify data files"), so
// that it can be loaded by hand later:
//
//	{"entries":[{"url":"s3://bucket/key","mandatory":true},...]}
//
// Entries are mandatory: COPY then fails if one of the objects is gone
// rather than loading part of the batch.
func Manifest(bucket string, keys []string) []byte {
	type entry struct {
		URL       string `json:"url"`
		Mandatory bool   `json:"mandatory"`
	}
	m := struct {
		Entries []entry `json:"entries"`
	}{Entries: make([]entry, 0, len(keys))}
	for _, k := range keys {
		m.Entries = append(m.Entries, entry{URL: "s3://" + bucket + "/" + k, Mandatory: true})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m) // cannot fail: strings and bools
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
