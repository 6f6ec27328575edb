package firehose

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestJavaPatterns(t *testing.T) {
	ts := time.Date(2026, 3, 7, 9, 5, 4, 123456789, time.UTC)
	for pattern, want := range map[string]string{
		"yyyy/MM/dd/HH/":         "2026/03/07/09/",
		"yyyy-MM-dd'T'HH:mm:ss":  "2026-03-07T09:05:04",
		"yy M d H m s":           "26 3 7 9 5 4",
		"MMM MMMM EEE EEEE":      "Mar March Sat Saturday",
		"hh a k K":               "09 AM 9 9",
		"SSS":                    "123",
		"DDD":                    "066",
		"'year='yyyy":            "year=2026",
		"'it''s' yyyy":           "it's 2026",
		"''":                     "'",
		"uuuu/LL":                "2026/03",
		"'!{not an expression}'": "!{not an expression}",
	} {
		l, err := compileJava(pattern)
		if err != nil {
			t.Errorf("%q: %v", pattern, err)
			continue
		}
		if got := l.format(ts); got != want {
			t.Errorf("%q = %q, want %q", pattern, got, want)
		}
	}
	for _, bad := range []string{"yyyy'", "qqq", "[yyyy]", "yyyy#", "GGGG", "zzz", "yyyyyyyyyy"} {
		if _, err := compileJava(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}

func TestPrefixes(t *testing.T) {
	ts := time.Date(2026, 11, 26, 14, 30, 0, 0, time.UTC)
	for prefix, want := range map[string]string{
		"":                         `^2026/11/26/14/$`,
		"logs/":                    `^logs/2026/11/26/14/$`,
		"myPrefix":                 `^myPrefix2026/11/26/14/$`,
		"d=!{timestamp:yyyyMMdd}/": `^d=20261126/$`,
		"!{timestamp:yyyy}/!{firehose:random-string}/!{timestamp:HH}/": `^2026/[A-Za-z0-9]{11}/14/$`,
	} {
		parts, err := compilePrefix(prefix, false)
		if err != nil {
			t.Errorf("%q: %v", prefix, err)
			continue
		}
		if got := evalPrefix(parts, ts, ""); !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("%q = %q, want %s", prefix, got, want)
		}
	}
	parts, err := compilePrefix("err/!{firehose:error-output-type}/", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := evalPrefix(parts, ts, "processing-failed"); got != "err/processing-failed/2026/11/26/14/" {
		t.Errorf("error prefix = %q", got)
	}
	for _, bad := range []string{"!{timestamp:qq}", "!{timestamp:}", "!{firehose:error-output-type}", "!{partitionKeyFromQuery:}", "!{nope}", "a!{timestamp:yyyy"} {
		if _, err := compilePrefix(bad, false); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}

func TestObjectNameAndExtension(t *testing.T) {
	ts := time.Date(2026, 11, 26, 14, 30, 5, 0, time.UTC)
	name := objectName("orders", 3, ts)
	if !regexp.MustCompile(`^orders-3-2026-11-26-14-30-05-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(name) {
		t.Errorf("name = %q", name)
	}
	for _, c := range []struct{ format, ext, want string }{
		{Uncompressed, "", ""}, {GZIP, "", ".gz"}, {ZIP, "", ".zip"}, {Snappy, "", ".snappy"},
		{HadoopSnappy, "", ".snappy"}, {GZIP, ".json.gz", ".json.gz"},
	} {
		if got := extension(c.format, c.ext); got != c.want {
			t.Errorf("extension(%s, %q) = %q, want %q", c.format, c.ext, got, c.want)
		}
	}
}

func TestHadoopSnappySplitsIntoBlocks(t *testing.T) {
	data := []byte(strings.Repeat("abcdefgh", (hadoopSnappyBlock*2+100)/8))
	out := hadoopSnappy(data)
	blocks := 0
	for len(out) > 0 {
		raw := int(out[0])<<24 | int(out[1])<<16 | int(out[2])<<8 | int(out[3])
		n := int(out[4])<<24 | int(out[5])<<16 | int(out[6])<<8 | int(out[7])
		if raw > hadoopSnappyBlock {
			t.Fatalf("block of %d bytes", raw)
		}
		out = out[8+n:]
		blocks++
	}
	if blocks != 3 {
		t.Fatalf("%d blocks, want 3", blocks)
	}
}

// FuzzPrefix: no prefix panics the parser or the evaluation, and the
// evaluation of a compiled prefix never contains an unexpanded expression
// that the parser accepted.
func FuzzPrefix(f *testing.F) {
	for _, s := range []string{"", "logs/", "!{timestamp:yyyy/MM}/", "a!{firehose:random-string}b", "!{timestamp:'x''y'}", "!{", "!{}", "'", "!{timestamp:SSSSSSSSS}"} {
		f.Add(s, true)
	}
	ts := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	f.Fuzz(func(t *testing.T, prefix string, isError bool) {
		parts, err := compilePrefix(prefix, isError)
		if err != nil {
			return
		}
		_ = evalPrefix(parts, ts, "processing-failed")
	})
}

// ZSTD (written for Data Streams channels) round-trips and is named .zst.
func TestZSTDObjects(t *testing.T) {
	body, encoding, err := compress(ZSTD, []byte("hello, channel"), "x")
	if err != nil || encoding != "zstd" || extension(ZSTD, "") != ".zst" {
		t.Fatalf("compress: %v %q %q", err, encoding, extension(ZSTD, ""))
	}
	r, err := zstd.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "hello, channel" {
		t.Fatalf("decoded %q: %v", got, err)
	}
}
