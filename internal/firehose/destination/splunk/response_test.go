package splunk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseHECResponse(t *testing.T) {
	tests := []struct {
		body string
		want hecResponse
		err  string
	}{
		{`{"text":"Success","code":0,"ackId":7}`, hecResponse{Text: "Success", HasID: true, AckID: 7}, ""},
		{`{"text":"Success","code":0}`, hecResponse{Text: "Success"}, ""},
		{`{"text":"Success","code":0,"ackId":null}`, hecResponse{Text: "Success"}, ""},
		{`{"text":"Invalid data format","code":6,"invalid-event-number":2}`, hecResponse{Text: "Invalid data format", Code: 6}, ""},
		{`{"code":"4"}`, hecResponse{Code: 4}, ""},
		{`{"text":"Success","code":0,"ackId":18446744073709551615}`, hecResponse{Text: "Success", HasID: true, AckID: 1<<64 - 1}, ""},
		{`<html>`, hecResponse{}, "not a HEC response"},
		{``, hecResponse{}, "not a HEC response"},
		{`{"text":"x"}`, hecResponse{}, "no code"},
		{`{"code":1.5}`, hecResponse{}, "code 1.5"},
		{`{"code":0,"ackId":-1}`, hecResponse{}, "ackId -1"},
		{`{"code":0,"ackId":"7"}`, hecResponse{}, `ackId "7"`},
		{`{"code":0,"text":5}`, hecResponse{}, "not a HEC response"},
	}
	for _, tt := range tests {
		got, err := parseHECResponse([]byte(tt.body))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.body, got, err, tt.want)
		}
	}
}

func TestParseAckResponse(t *testing.T) {
	tests := []struct {
		body    string
		id      uint64
		want    bool
		wantErr bool
	}{
		{`{"acks":{"0":true,"1":false}}`, 0, true, false},
		{`{"acks":{"0":true,"1":false}}`, 1, false, false},
		{`{"acks":{"0":true}}`, 2, false, false},
		{`{"acks":{}}`, 0, false, false},
		{`{"acks":{"5":"true"}}`, 5, false, true},
		{`{"acks":[5]}`, 5, false, true},
		{`{}`, 0, false, true},
		{`nope`, 0, false, true},
	}
	for _, tt := range tests {
		got, err := parseAckResponse([]byte(tt.body), tt.id)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s id %d: %v, %v", tt.body, tt.id, got, err)
		}
	}
}

// FuzzHECResponses: the HEC response parsers never panic; an accepted data
// response came from a JSON value with a code, and an acknowledgement is
// only reported from a JSON object.
func FuzzHECResponses(f *testing.F) {
	f.Add([]byte(`{"text":"Success","code":0,"ackId":0}`), uint64(0))
	f.Add([]byte(`{"acks":{"0":true}}`), uint64(0))
	f.Add([]byte(`{"text":"Invalid token","code":4}`), uint64(3))
	f.Add([]byte(`{"code":0,"ackId":99999999999999999999}`), uint64(1))
	f.Fuzz(func(t *testing.T, body []byte, id uint64) {
		if r, err := parseHECResponse(body); err == nil {
			if !strings.Contains(strings.ToLower(string(body)), "code") {
				t.Fatalf("accepted %q as %+v", body, r)
			}
		}
		if ok, err := parseAckResponse(body, id); ok && (err != nil || !json.Valid(body)) {
			t.Fatalf("acknowledged from %q", body)
		}
		_ = clip(body)
	})
}
