package redshift

import "testing"

func TestManifest(t *testing.T) {
	got := string(Manifest("bucket", []string{"2024/01/02/03/s-1-2024-01-02-03-04-05-uuid", "a&b"}))
	want := `{"entries":[{"url":"s3://bucket/2024/01/02/03/s-1-2024-01-02-03-04-05-uuid","mandatory":true},{"url":"s3://bucket/a&b","mandatory":true}]}`
	if got != want {
		t.Errorf("Manifest = %s\nwant %s", got, want)
	}
	if got := string(Manifest("b", nil)); got != `{"entries":[]}` {
		t.Errorf("empty manifest = %s", got)
	}
}
