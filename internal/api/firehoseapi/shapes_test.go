package firehoseapi

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sluice/internal/awsproto/shape"
)

// botoShape is one shape of botocore's service-2.json.
type botoShape struct {
	Type     string
	Required []string
	Members  map[string]struct{ Shape string }
	// order is the members' order in the file (a JSON object's).
	order   []string
	Member  *struct{ Shape string }
	Key     *struct{ Shape string }
	Value   *struct{ Shape string }
	Min     *float64
	Max     *float64
	Pattern string
	Enum    []string
}

// loadBotocore reads botocore's Firehose model, or skips the test when
// botocore is not installed.
func loadBotocore(t *testing.T) map[string]*botoShape {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import botocore, os; print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		t.Skipf("botocore is not installed: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "data", "firehose", "2015-08-04")
	var raw []byte
	if f, err := os.Open(filepath.Join(dir, "service-2.json.gz")); err == nil {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(zr)
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		raw = m
	} else if raw, err = os.ReadFile(filepath.Join(dir, "service-2.json")); err != nil {
		t.Skipf("no Firehose model in botocore: %v", err)
	}
	var model struct {
		Shapes map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &model); err != nil {
		t.Fatal(err)
	}
	shapes := map[string]*botoShape{}
	for name, body := range model.Shapes {
		s := &botoShape{}
		if err := json.Unmarshal(body, s); err != nil {
			t.Fatal(err)
		}
		// The members' order, which AWS validates in.
		var doc struct{ Members json.RawMessage }
		json.Unmarshal(body, &doc)
		if len(doc.Members) > 0 {
			dec := json.NewDecoder(strings.NewReader(string(doc.Members)))
			dec.Token() // {
			for dec.More() {
				tok, _ := dec.Token()
				s.order = append(s.order, tok.(string))
				var skip json.RawMessage
				dec.Decode(&skip)
			}
		}
		shapes[name] = s
	}
	return shapes
}

// knownDeviations are where this package's shapes differ from botocore's
// on purpose, by path.
var knownDeviations = map[string]string{
	// A throughput hint for AWS's own scaling, not modelled (see doc.go).
	"CreateDeliveryStreamInput.DirectPutSourceConfiguration": "missing",
	// RE2 has no lookahead: tagsIn refuses the aws: prefix instead.
	"CreateDeliveryStreamInput.Tags.member.Key":           "pattern",
	"TagDeliveryStreamInput.Tags.member.Key":              "pattern",
	"UntagDeliveryStreamInput.TagKeys.member":             "pattern",
	"ListTagsForDeliveryStreamInput.ExclusiveStartTagKey": "pattern",
}

func TestShapesMatchBotocore(t *testing.T) {
	model := loadBotocore(t)
	for _, s := range []*shape.Shape{createInput, updateInput, describeInput, deleteInput, listInput, tagInput, untagInput, listTagsInput, startEncryptionInput, stopEncryptionInput, putRecordInput, putRecordBatchInput} {
		compareShape(t, model, s.Name, s, s.Name)
	}
}

func compareShape(t *testing.T, model map[string]*botoShape, path string, ours *shape.Shape, name string) {
	t.Helper()
	b := model[name]
	if b == nil {
		t.Errorf("%s: no shape %s in botocore", path, name)
		return
	}
	kinds := map[string]shape.Kind{
		"structure": shape.Structure, "list": shape.List, "map": shape.Map, "string": shape.String,
		"integer": shape.Integer, "long": shape.Long, "double": shape.Double, "boolean": shape.Boolean,
		"timestamp": shape.Timestamp, "blob": shape.Blob,
	}
	if kinds[b.Type] != ours.Kind {
		t.Errorf("%s: kind %d, botocore %s", path, ours.Kind, b.Type)
		return
	}
	bound := func(what string, has bool, v int64, want *float64) {
		switch {
		case want == nil && has:
			t.Errorf("%s: %s %d, botocore none", path, what, v)
		case want != nil && (!has || float64(v) != *want):
			t.Errorf("%s: %s %d (set %v), botocore %v", path, what, v, has, *want)
		}
	}
	bound("min", ours.HasMin, ours.Min, b.Min)
	bound("max", ours.HasMax, ours.Max, b.Max)
	switch b.Type {
	case "structure":
		if ours.Name != name {
			t.Errorf("%s: named %s, botocore %s", path, ours.Name, name)
		}
		var got []string
		for _, m := range ours.Members {
			got = append(got, m.Name)
		}
		var want []string
		for _, m := range b.order {
			if knownDeviations[path+"."+m] != "missing" {
				want = append(want, m)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: members\n  %v\nbotocore\n  %v", path, got, want)
		}
		for _, m := range ours.Members {
			bm, ok := b.Members[m.Name]
			if !ok {
				continue
			}
			if m.Required != slices.Contains(b.Required, m.Name) {
				t.Errorf("%s.%s: required %v, botocore %v", path, m.Name, m.Required, !m.Required)
			}
			compareShape(t, model, path+"."+m.Name, m.Shape, bm.Shape)
		}
	case "list":
		compareShape(t, model, path+".member", ours.Elem, b.Member.Shape)
	case "map":
		compareShape(t, model, path+".key", ours.Key, b.Key.Shape)
		compareShape(t, model, path+".value", ours.Elem, b.Value.Shape)
	case "string":
		if ours.PatternText != b.Pattern && knownDeviations[path] != "pattern" {
			t.Errorf("%s: pattern %q, botocore %q", path, ours.PatternText, b.Pattern)
		}
		if !slices.Equal(ours.Enum, b.Enum) {
			t.Errorf("%s: enum %v, botocore %v", path, ours.Enum, b.Enum)
		}
	}
}
