// Package kmstest is a small AWS KMS API server for tests: GenerateDataKey,
// Decrypt and DescribeKey over the real protocol (JSON 1.1, POST / with
// X-Amz-Target TrentService.<Operation>, SigV4-signed for the "kms"
// service, blobs in base64, errors as {"__type", "message"} with status
// 400), so that the --kms-endpoint client is tested against the wire, not
// against itself. Its keys are a kms.LocalKeys key file of its own, in one
// account and region; tests create, disable and enable keys through Keys,
// make the next calls fail with Fail, and count the calls with Calls.
package kmstest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/kms"
)

// Server is a running KMS API server.
type Server struct {
	URL   string
	Keys  *kms.LocalKeys
	Scope kms.Scope

	mu    sync.Mutex
	calls map[string]int
	fails []failure
}

type failure struct{ op, code, msg string }

// Start starts a server for account 111122223333 in us-east-1 and stops it
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	keys, err := kms.OpenLocal(filepath.Join(t.TempDir(), "kms-keys.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Keys: keys, Scope: kms.Scope{Account: "111122223333", Region: "us-east-1"}, calls: map[string]int{}}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// CreateKey creates a customer key with an alias ("" for none).
func (s *Server) CreateKey(t testing.TB, alias string) *kms.Key {
	t.Helper()
	k, err := s.Keys.CreateKey(s.Scope, alias, "test key")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// SetState enables or disables a key.
func (s *Server) SetState(t testing.TB, keyID string, state kms.KeyState) {
	t.Helper()
	if _, err := s.Keys.SetState(s.Scope, keyID, state); err != nil {
		t.Fatal(err)
	}
}

// Fail makes the next call of op (GenerateDataKey, Decrypt, DescribeKey)
// answer the KMS error code with msg.
func (s *Server) Fail(op, code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{op, code, msg})
}

// Calls returns how many calls of op were answered.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

type errBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func writeErr(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(errBody{Type: code, Message: msg})
}

// ServeHTTP implements the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if r.Method != http.MethodPost || !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") || !strings.Contains(auth, "/kms/aws4_request") {
		writeErr(w, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		writeErr(w, "SerializationException", "Content-Type "+ct+" is not application/x-amz-json-1.1")
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	if !ok {
		writeErr(w, "UnknownOperationException", "")
		return
	}
	s.mu.Lock()
	s.calls[op]++
	for i, f := range s.fails {
		if f.op == op {
			s.fails = append(s.fails[:i], s.fails[i+1:]...)
			s.mu.Unlock()
			writeErr(w, f.code, f.msg)
			return
		}
	}
	s.mu.Unlock()
	var in struct {
		KeyId             string
		KeySpec           string
		NumberOfBytes     int
		CiphertextBlob    []byte
		EncryptionContext map[string]string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeErr(w, "SerializationException", err.Error())
		return
	}
	ctx := r.Context()
	var out any
	var err error
	switch op {
	case "DescribeKey":
		out, err = s.describe(ctx, in.KeyId)
	case "GenerateDataKey":
		if in.KeySpec != "AES_256" && in.NumberOfBytes != 32 {
			writeErr(w, "ValidationException", "this server makes AES_256 data keys only")
			return
		}
		var dk kms.DataKey
		if dk, err = s.Keys.GenerateDataKey(ctx, s.Scope, in.KeyId, in.EncryptionContext); err == nil {
			out = map[string]any{"KeyId": dk.KeyARN, "Plaintext": dk.Plaintext, "CiphertextBlob": dk.Wrapped}
		}
	case "Decrypt":
		var plain []byte
		if plain, err = s.Keys.Decrypt(ctx, s.Scope, in.KeyId, in.CiphertextBlob, in.EncryptionContext); err == nil {
			var arn string
			if in.KeyId != "" {
				info, _ := s.Keys.Describe(ctx, s.Scope, in.KeyId)
				arn = info.ARN
			}
			out = map[string]any{"KeyId": arn, "Plaintext": plain, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
		}
	default:
		writeErr(w, "UnknownOperationException", "")
		return
	}
	if err != nil {
		if c := kms.CodeOf(err); c != 0 {
			writeErr(w, c.String(), kms.MessageOf(err))
			return
		}
		writeErr(w, "KMSInternalException", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

func (s *Server) describe(ctx context.Context, keyID string) (any, error) {
	info, err := s.Keys.Describe(ctx, s.Scope, keyID)
	if err != nil {
		return nil, err
	}
	keys, err := s.Keys.Keys()
	if err != nil {
		return nil, err
	}
	md := map[string]any{"KeyId": info.ID, "Arn": info.ARN, "KeyState": info.State, "Enabled": info.State == kms.StateEnabled,
		"AWSAccountId": s.Scope.Account, "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"}
	for _, k := range keys {
		if k.ID == info.ID {
			md["KeyManager"] = k.Manager
			md["Description"] = k.Description
			md["CreationDate"] = float64(k.Created.UnixMilli()) / 1000
		}
	}
	if _, ok := md["CreationDate"]; !ok {
		md["CreationDate"] = float64(time.Now().Unix())
	}
	return map[string]any{"KeyMetadata": md}, nil
}
