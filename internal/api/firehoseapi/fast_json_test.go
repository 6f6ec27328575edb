package firehoseapi

import (
	"reflect"
	"strings"
	"testing"

	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
)

func generic[In any](sh *shape.Shape, body []byte) (*In, bool) {
	v, err := awsjson.Decode(body)
	if err != nil {
		return nil, false
	}
	in := new(In)
	if err := shape.Decode(sh, v, in); err != nil {
		return nil, false
	}
	return in, true
}

var fastSeeds = []string{
	`{"DeliveryStreamName":"s","Records":[{"Data":"AAEC"},{"Data":""}]}`,
	`{"Records":[{"Data":"aGk="}],"DeliveryStreamName":"a.b-c_d"}`,
	`{"DeliveryStreamName":"s","Records":[]}`,
	`{"DeliveryStreamName":"bad name","Records":[{"Data":"AA=="}]}`,
	`{"DeliveryStreamName":"s","Records":[{"Data":"AA="}]}`,
	`{"DeliveryStreamName":"s","Records":[{"Data":null}]}`,
	`{"DeliveryStreamName":"s","Records":[{"Data":"AA==","Extra":1}]}`,
	`{"DeliveryStreamName":"s","Record":{"Data":"AAEC"}}`,
	`{"DeliveryStreamName":"s","Record":{}}`,
	`{"DeliveryStreamName":"s\u0041","Record":{"Data":"AAEC"}}`,
	` {"DeliveryStreamName" : "s" , "Record":{"Data":"AAEC"}} `,
	`{"DeliveryStreamName":"s","Record":{"Data":"AAEC"}} x`,
	"{\"DeliveryStreamName\":\"s\",\"Record\":{\"Data\":\"AA\r\n==\"}}",
	`{"DeliveryStreamName":"","Record":{"Data":"AAEC"}}`,
}

// TestFastDecodersAgreeWithGeneric: whatever the fast decoders accept, the
// generic decoder accepts too, with the same result.
func TestFastDecodersAgreeWithGeneric(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if check(t, []byte(s)) {
			accepted++
		}
	}
	long := `{"DeliveryStreamName":"s","Records":[` + strings.Repeat(`{"Data":"AA=="},`, 500) + `{"Data":"AA=="}]}`
	if _, ok := fastPutRecordBatch([]byte(long)); ok {
		t.Fatal("501 records accepted")
	}
	if accepted < 4 {
		t.Fatalf("the fast decoders accepted only %d seeds", accepted)
	}
}

func check(t testing.TB, body []byte) bool {
	accepted := false
	if fast, ok := fastPutRecordBatch(body); ok {
		accepted = true
		slow, slowOK := generic[putRecordBatchIn](putRecordBatchInput, body)
		if !slowOK || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("PutRecordBatch %q: fast %+v, generic %+v (%v)", body, fast, slow, slowOK)
		}
	}
	if fast, ok := fastPutRecord(body); ok {
		accepted = true
		slow, slowOK := generic[putRecordIn](putRecordInput, body)
		if !slowOK || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("PutRecord %q: fast %+v, generic %+v (%v)", body, fast, slow, slowOK)
		}
	}
	return accepted
}

func FuzzFastDecoders(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { check(t, body) })
}
