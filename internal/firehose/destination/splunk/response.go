package splunk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// hecResponse is the body HEC answers a data request with:
//
//	{"text":"Success","code":0,"ackId":7}
//	{"text":"Invalid data format","code":6,"invalid-event-number":0}
type hecResponse struct {
	Text  string
	Code  int
	HasID bool
	AckID uint64
}

// parseHECResponse reads a HEC response body. It requires a JSON object
// with an integer code; text and ackId (a non-negative integer) are
// optional, other members are ignored.
func parseHECResponse(body []byte) (hecResponse, error) {
	var r struct {
		Text  *string          `json:"text"`
		Code  *json.Number     `json:"code"`
		AckID *json.RawMessage `json:"ackId"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&r); err != nil {
		return hecResponse{}, fmt.Errorf("not a HEC response: %v", err)
	}
	if r.Code == nil {
		return hecResponse{}, errors.New("not a HEC response: no code")
	}
	code, err := strconv.Atoi(r.Code.String())
	if err != nil {
		return hecResponse{}, fmt.Errorf("not a HEC response: code %s", r.Code)
	}
	out := hecResponse{Code: code}
	if r.Text != nil {
		out.Text = *r.Text
	}
	if r.AckID != nil && string(*r.AckID) != "null" {
		id, err := strconv.ParseUint(string(*r.AckID), 10, 64)
		if err != nil {
			return hecResponse{}, fmt.Errorf("not a HEC response: ackId %s", *r.AckID)
		}
		out.HasID, out.AckID = true, id
	}
	return out, nil
}

// parseAckResponse reads the answer to an acknowledgement query,
//
//	{"acks":{"7":true}}
//
// and returns whether id is acknowledged. An id missing from acks is not.
func parseAckResponse(body []byte, id uint64) (bool, error) {
	var r struct {
		Acks *map[string]bool `json:"acks"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return false, fmt.Errorf("not an acknowledgement response: %v", err)
	}
	if r.Acks == nil {
		return false, errors.New("not an acknowledgement response: no acks")
	}
	want := strconv.FormatUint(id, 10)
	for k, v := range *r.Acks {
		if strings.TrimSpace(k) == want {
			return v, nil
		}
	}
	return false, nil
}
