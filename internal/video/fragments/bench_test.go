package fragments

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage/embedded"
	"sluice/internal/video/mkv"
)

// What server-side encryption costs a fragment's way in (PutMedia's
// commit: seal and append, relaxed sync so that the disk is not measured)
// and out (Media: read and open), for 1 MiB fragments, plain and sealed:
//
//	go test ./internal/video/fragments/ -run '^$' -bench 'Fragment' -count 6
func benchStore(b *testing.B, sealed bool) *Stream {
	dir := b.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "data"), SyncInterval: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{}
	if sealed {
		keys, err := kms.OpenLocal(filepath.Join(dir, "keys.json"), nil)
		if err != nil {
			b.Fatal(err)
		}
		cfg.Keys, cfg.Meta = keys, backend.Meta()
	}
	store := New(cfg, backend.Records())
	b.Cleanup(func() { store.Close(); backend.Close() })
	fs, err := store.Open(context.Background(), sealedStream())
	if err != nil {
		b.Fatal(err)
	}
	return fs
}

// benchCluster is a 1 MiB cluster of 25 frames.
func benchCluster(tc int64) []byte {
	var frames []mkv.Frame
	for i := range 25 {
		frames = append(frames, mkv.Frame{Track: 1, Timecode: tc + int64(40*i), Key: i == 0, Data: bytes.Repeat([]byte{byte(i)}, 1<<20/25)})
	}
	return mkv.AppendCluster(nil, tc, frames)
}

func benchCommit(b *testing.B, sealed bool) {
	fs := benchStore(b, sealed)
	h := &sessionHeader{raw: testHeader().Raw}
	c := benchCluster(0)
	b.SetBytes(int64(len(c)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := fs.commit(context.Background(), h, c, indexRecord{seq: uint64(i + 1), durationMs: 1000}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchMedia(b *testing.B, sealed bool) {
	fs := benchStore(b, sealed)
	h := &sessionHeader{raw: testHeader().Raw}
	c := benchCluster(0)
	for i := range 8 {
		if _, err := fs.commit(context.Background(), h, c, indexRecord{seq: uint64(i + 1), durationMs: 1000}); err != nil {
			b.Fatal(err)
		}
	}
	frags := fs.Fragments()
	b.SetBytes(int64(len(c)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, got, err := fs.Media(frags[i%len(frags)]); err != nil || len(got) != len(c) {
			b.Fatal(err)
		}
	}
}

func BenchmarkFragmentCommit(b *testing.B)       { benchCommit(b, false) }
func BenchmarkFragmentCommitSealed(b *testing.B) { benchCommit(b, true) }
func BenchmarkFragmentMedia(b *testing.B)        { benchMedia(b, false) }
func BenchmarkFragmentMediaSealed(b *testing.B)  { benchMedia(b, true) }
