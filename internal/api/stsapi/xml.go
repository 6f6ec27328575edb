package stsapi

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

const namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// stsErr is an STS error: its HTTP status, code and message.
type stsErr struct {
	status  int
	code    string
	message string
}

func (e stsErr) Error() string { return e.code + ": " + e.message }

func invalid(code, msg string) stsErr { return stsErr{http.StatusBadRequest, code, msg} }

func validation(msg string) stsErr { return invalid("ValidationError", msg) }

func accessDenied(msg string) stsErr { return stsErr{http.StatusForbidden, "AccessDenied", msg} }

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func writeError(w http.ResponseWriter, requestID string, e stsErr) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	writeXML(w, e.status, errorResponse{Xmlns: namespace, Type: typ, Code: e.code, Message: e.message, RequestID: requestID})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>")
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func expiration(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

type getCallerIdentityResponse struct {
	XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Arn      string           `xml:"GetCallerIdentityResult>Arn"`
	UserID   string           `xml:"GetCallerIdentityResult>UserId"`
	Account  string           `xml:"GetCallerIdentityResult>Account"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type getSessionTokenResponse struct {
	XMLName     xml.Name         `xml:"GetSessionTokenResponse"`
	Xmlns       string           `xml:"xmlns,attr"`
	Credentials credentials      `xml:"GetSessionTokenResult>Credentials"`
	Metadata    responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResponse struct {
	XMLName          xml.Name         `xml:"AssumeRoleResponse"`
	Xmlns            string           `xml:"xmlns,attr"`
	AssumedRoleID    string           `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	AssumedRoleArn   string           `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	Credentials      credentials      `xml:"AssumeRoleResult>Credentials"`
	PackedPolicySize *int             `xml:"AssumeRoleResult>PackedPolicySize,omitempty"`
	Metadata         responseMetadata `xml:"ResponseMetadata"`
}
