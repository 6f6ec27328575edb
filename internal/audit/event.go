package audit

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// EventVersion is the CloudTrail record version the events follow.
const EventVersion = "1.11"

// Event is one line of the log: a CloudTrail event record.
type Event struct {
	EventVersion       string         `json:"eventVersion"`
	UserIdentity       Identity       `json:"userIdentity"`
	EventTime          string         `json:"eventTime"`
	EventSource        string         `json:"eventSource"`
	EventName          string         `json:"eventName"`
	AWSRegion          string         `json:"awsRegion"`
	SourceIPAddress    string         `json:"sourceIPAddress"`
	UserAgent          string         `json:"userAgent"`
	ErrorCode          string         `json:"errorCode,omitempty"`
	ErrorMessage       string         `json:"errorMessage,omitempty"`
	RequestParameters  map[string]any `json:"requestParameters"`
	ResponseElements   any            `json:"responseElements"`
	RequestID          string         `json:"requestID"`
	EventID            string         `json:"eventID"`
	ReadOnly           bool           `json:"readOnly"`
	EventType          string         `json:"eventType"`
	ManagementEvent    bool           `json:"managementEvent"`
	RecipientAccountID string         `json:"recipientAccountId,omitempty"`
	EventCategory      string         `json:"eventCategory"`
}

// Identity is CloudTrail's userIdentity element.
type Identity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
}

// Time parses EventTime (the zero time if it does not parse).
func (e Event) Time() time.Time {
	t, _ := time.Parse(time.RFC3339, e.EventTime)
	return t
}

// Call is one answered API call, as the wire layer saw it.
type Call struct {
	Time time.Time
	// Service is the signing name: kinesis, firehose, kinesisanalytics,
	// kinesisvideo, logs.
	Service   string
	Operation string
	// AccountID is the caller's account; empty when authentication did
	// not establish one.
	AccountID   string
	AccessKeyID string
	// PrincipalARN and PrincipalID name the caller when authentication
	// established who it is (a user, a role's session, an account's root).
	PrincipalARN string
	PrincipalID  string
	Region       string
	SourceIP     string
	UserAgent    string
	RequestID    string
	// ErrorCode and ErrorMessage are the AWS error answered (empty on
	// success).
	ErrorCode    string
	ErrorMessage string
	// Params is the decoded request body (a map of members), of which
	// only the safe top-level members are kept.
	Params any
}

// Bounds of what an event carries from the request.
const (
	maxParamString = 1 << 10
	maxParamList   = 100
	maxUserAgent   = 1 << 10
	maxMessage     = 4 << 10
)

// event turns a call into its record; region stands in for a call that
// names none.
func event(c Call, region string) Event {
	e := Event{
		EventVersion:      EventVersion,
		EventTime:         c.Time.UTC().Format(time.RFC3339),
		EventSource:       eventSource(c.Service),
		EventName:         c.Operation,
		AWSRegion:         c.Region,
		SourceIPAddress:   c.SourceIP,
		UserAgent:         truncate(c.UserAgent, maxUserAgent),
		ErrorCode:         c.ErrorCode,
		ErrorMessage:      truncate(c.ErrorMessage, maxMessage),
		RequestID:         c.RequestID,
		EventID:           newEventID(),
		ReadOnly:          readOnly(c.Operation),
		EventType:         "AwsApiCall",
		ManagementEvent:   !DataPlane(c.Service, c.Operation),
		EventCategory:     "Management",
		RequestParameters: requestParameters(c.Params),
	}
	if !e.ManagementEvent {
		e.EventCategory = "Data"
	}
	if e.AWSRegion == "" {
		e.AWSRegion = region
	}
	if c.AccountID != "" {
		e.UserIdentity = Identity{Type: "Root", PrincipalID: c.AccountID, ARN: "arn:aws:iam::" + c.AccountID + ":root",
			AccountID: c.AccountID, AccessKeyID: c.AccessKeyID}
		if c.PrincipalARN != "" {
			e.UserIdentity.Type, e.UserIdentity.ARN, e.UserIdentity.PrincipalID = identityType(c.PrincipalARN), c.PrincipalARN, c.PrincipalID
		}
		e.RecipientAccountID = c.AccountID
	} else {
		e.UserIdentity = Identity{Type: "Unknown", AccessKeyID: c.AccessKeyID}
	}
	return e
}

// secretWords mark members never logged, whatever their value.
var secretWords = []string{"password", "secret", "token", "privatekey", "accesskey"}

// requestParameters keeps the top-level members of a body that are safe
// and small to log (see the package doc); nil when none are.
func requestParameters(params any) map[string]any {
	m, ok := params.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := map[string]any{}
	for k, v := range m {
		if secretName(k) {
			continue
		}
		if v, ok := scalar(v); ok {
			out[k] = v
			continue
		}
		if list, ok := v.([]any); ok && len(list) <= maxParamList {
			kept := make([]any, 0, len(list))
			for _, item := range list {
				if s, ok := scalar(item); ok {
					kept = append(kept, s)
				}
			}
			if len(kept) == len(list) {
				out[k] = kept
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func secretName(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// scalar returns v when it is a string (cut), a number or a bool.
func scalar(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return truncate(x, maxParamString), true
	case bool, json.Number, int64, uint64, int:
		return x, true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return nil, false
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// newEventID returns a random (version 4) UUID.
func newEventID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// identityType is CloudTrail's userIdentity type for a principal's ARN.
func identityType(arn string) string {
	switch {
	case strings.Contains(arn, ":assumed-role/"):
		return "AssumedRole"
	case strings.Contains(arn, ":user/"):
		return "IAMUser"
	}
	return "Root"
}
