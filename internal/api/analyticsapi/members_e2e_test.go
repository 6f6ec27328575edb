package analyticsapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/api/analyticsapi"
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/testserver"
)

// call sends one AWS JSON 1.1 request and returns the status and the
// decoded answer.
func call(t *testing.T, srv *testserver.Server, target string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, req, hex.EncodeToString(sum[:]), "kinesisanalytics", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %q is not JSON: %v", target, raw, err)
		}
	}
	return resp.StatusCode, out
}

// sample builds a value that meets a shape's constraints, every member of
// a structure given.
func sample(t *testing.T, s *shape.Shape) any {
	switch s.Kind {
	case shape.String:
		if len(s.Enum) > 0 {
			return s.Enum[0]
		}
		v := "a"
		if s.Pattern != nil {
			for _, cand := range []string{"a", "$", "arn:aws:iam::000000000000:role/r", "arn:aws:kinesisanalytics:us-east-1:000000000000:application/a", "UTF-8", "03:00"} {
				if s.Pattern.MatchString(cand) {
					v = cand
					break
				}
			}
			if !s.Pattern.MatchString(v) {
				t.Fatalf("no sample for pattern %s", s.PatternText)
			}
		}
		for s.HasMin && int64(len(v)) < s.Min {
			v += v[len(v)-1:]
		}
		return v
	case shape.Boolean:
		return false
	case shape.Integer, shape.Long, shape.Double:
		if s.HasMin {
			return s.Min
		}
		return 1
	case shape.Blob:
		return "AA=="
	case shape.Timestamp:
		return 1700000000
	case shape.List:
		return []any{sample(t, s.Elem)}
	case shape.Map:
		return map[string]any{"k": sample(t, s.Elem)}
	}
	m := map[string]any{}
	for _, mem := range s.Members {
		m[mem.Name] = sample(t, mem.Shape)
	}
	return m
}

// TestEveryMemberDecodes sends each operation of both APIs a request that
// gives every member of its input: whatever the operation answers, it is
// not an internal failure (each member has its place in the handler's
// input).
func TestEveryMemberDecodes(t *testing.T) {
	srv := testserver.Start(t)
	v1, v2 := analyticsapi.New(nil)
	for _, svc := range []struct {
		prefix string
		ops    map[string]*shape.Shape
	}{{v1.TargetPrefix, inputs(v1)}, {v2.TargetPrefix, inputs(v2)}} {
		names := make([]string, 0, len(svc.ops))
		for name := range svc.ops {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			body, err := json.Marshal(sample(t, svc.ops[name]))
			if err != nil {
				t.Fatal(err)
			}
			status, out := call(t, srv, svc.prefix+"."+name, body)
			typ, _ := out["__type"].(string)
			if status >= 500 || strings.Contains(typ, "Internal") || typ == "ValidationException" || typ == "SerializationException" {
				t.Errorf("%s.%s answered %d %v to %s", svc.prefix, name, status, out, body)
			}
		}
	}
}

func inputs(svc *awsproto.Service) map[string]*shape.Shape {
	out := map[string]*shape.Shape{}
	for name, op := range svc.Operations {
		out[name] = op.Input
	}
	return out
}
