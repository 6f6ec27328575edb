package identity

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const testFile = `{"keys": [
  {"accessKeyId": "AKIAROOT", "secretAccessKey": "s1", "accountId": "111111111111"},
  {"accessKeyId": "AKIAUSER", "secretAccessKey": "s2", "accountId": "111111111111", "userName": "alice",
   "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:List*", "Resource": "*"}]}}],
 "roles": [{"arn": "arn:aws:iam::111111111111:role/path/reader", "maxSessionDuration": 7200,
   "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kinesis:Get*\",\"Resource\":\"*\"}]}"}]}`

func load(t *testing.T, text string) *Directory {
	t.Helper()
	d, err := Load(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoad(t *testing.T) {
	d := load(t, testFile)
	root, _ := d.Keys.Lookup("AKIAROOT")
	if c := d.KeyCaller(root); !c.Unrestricted || c.Principal.ARN != "arn:aws:iam::111111111111:root" || c.UserID != "111111111111" {
		t.Fatalf("root: %+v", c)
	}
	user, _ := d.Keys.Lookup("AKIAUSER")
	if c := d.KeyCaller(user); c.Unrestricted || len(c.Policies) != 1 || c.Principal.ARN != "arn:aws:iam::111111111111:user/alice" || !strings.HasPrefix(c.UserID, "AIDA") {
		t.Fatalf("user: %+v", c)
	}
	r, ok := d.Role("arn:aws:iam::111111111111:role/path/reader")
	if !ok || r.Name != "reader" || r.Account != "111111111111" || r.Policy == nil || r.MaxSessionDuration != 7200 {
		t.Fatalf("role: %+v", r)
	}
	for name, bad := range map[string]string{
		"unknown member":               `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111", "polcy": {}}]}`,
		"bad policy":                   `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111", "policy": {"Statement": 7}}]}`,
		"principal in identity policy": `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kinesis:*", "Resource": "*"}]}}]}`,
		"bad role arn":                 `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}], "roles": [{"arn": "arn:aws:iam::1:role/x"}]}`,
		"bad duration":                 `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}], "roles": [{"arn": "arn:aws:iam::111111111111:role/x", "maxSessionDuration": 60}]}`,
		"duplicate role":               `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}], "roles": [{"arn": "arn:aws:iam::111111111111:role/x"}, {"arn": "arn:aws:iam::111111111111:role/x"}]}`,
		"bad user name":                `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111", "userName": "a b"}]}`,
		"trailing data":                `{"keys": [{"accessKeyId": "A", "secretAccessKey": "s", "accountId": "111111111111"}]} {}`,
		"no keys":                      `{"keys": []}`,
	} {
		if _, err := Load(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: loaded", name)
		} else if strings.Contains(err.Error(), `"s"`) {
			t.Errorf("%s: error shows a secret: %v", name, err)
		}
	}
}

func TestSessions(t *testing.T) {
	d := load(t, testFile)
	now := time.Unix(1_800_000_000, 0)
	creds, err := d.Issue(Session{Account: "111111111111", ARN: "arn:aws:sts::111111111111:assumed-role/reader/s", Role: "arn:aws:iam::111111111111:role/path/reader"}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(creds.AccessKeyID) != 20 || !strings.HasPrefix(creds.AccessKeyID, "ASIA") || len(creds.SecretAccessKey) != 40 {
		t.Fatalf("credentials: %+v", creds)
	}
	s, secret, err := d.Open(creds.AccessKeyID, creds.SessionToken, now)
	if err != nil || secret != creds.SecretAccessKey || s.Role == "" {
		t.Fatalf("open: %+v %v", s, err)
	}
	c, err := d.SessionCaller(s)
	if err != nil || c.Unrestricted || len(c.Policies) != 1 || !c.Temporary {
		t.Fatalf("caller: %+v %v", c, err)
	}
	if _, _, err := d.Open(creds.AccessKeyID, creds.SessionToken, now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, _, err := d.Open("ASIAOTHERKEY00000000", creds.SessionToken, now); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("token under another key ID: %v", err)
	}
	tampered := []byte(creds.SessionToken)
	tampered[len(tampered)/2] ^= 1
	if _, _, err := d.Open(creds.AccessKeyID, string(tampered), now); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("tampered: %v", err)
	}
	// Nodes reading the same file verify each other's tokens; a changed
	// secret, or the role's removal, revokes them.
	if _, _, err := load(t, testFile).Open(creds.AccessKeyID, creds.SessionToken, now); err != nil {
		t.Fatalf("another directory of the same file: %v", err)
	}
	if _, _, err := load(t, strings.Replace(testFile, `"s2"`, `"s3"`, 1)).Open(creds.AccessKeyID, creds.SessionToken, now); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("after a secret changed: %v", err)
	}
	noRole := testFile[:strings.Index(testFile, `,
 "roles"`)] + "}"
	if _, _, err := load(t, noRole).Open(creds.AccessKeyID, creds.SessionToken, now); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("after the role left: %v", err)
	}

	// GetSessionToken's sessions act as their key.
	user, _ := d.Keys.Lookup("AKIAUSER")
	kc := d.KeyCaller(user)
	creds, err = d.Issue(Session{Account: kc.Principal.Account, ARN: kc.Principal.ARN, UserID: kc.UserID, SourceKey: "AKIAUSER"}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err = d.Open(creds.AccessKeyID, creds.SessionToken, now)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := d.SessionCaller(s); err != nil || c.Principal.ARN != "arn:aws:iam::111111111111:user/alice" || len(c.Policies) != 1 {
		t.Fatalf("key session: %+v %v", c, err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(testFile)
	f.Add(`{"keys":[{"accessKeyId":"A","secretAccessKey":"s","accountId":"111111111111","policy":"{}"}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		d, err := Load(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, id := range []string{"A", "AKIAROOT", "AKIAUSER"} {
			if k, ok := d.Keys.Lookup(id); ok {
				d.KeyCaller(k)
			}
		}
	})
}

func FuzzOpen(f *testing.F) {
	d, err := Load(strings.NewReader(testFile))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	creds, err := d.Issue(Session{Account: "111111111111", SourceKey: "AKIAROOT"}, now.Add(time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(creds.AccessKeyID, creds.SessionToken)
	f.Add("ASIA", "SLUICE")
	f.Fuzz(func(t *testing.T, key, token string) {
		s, _, err := d.Open(key, token, now)
		if err != nil {
			return
		}
		if s.AccessKeyID != key {
			t.Fatalf("a token opened under another key ID")
		}
		if _, err := d.SessionCaller(s); err != nil && !errors.Is(err, ErrInvalidToken) {
			t.Fatal(err)
		}
	})
}
