package playback

import (
	"strings"
	"testing"
	"time"

	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
)

// frags are n 2-second fragments stored one after the other from t0, the
// producer timestamps an hour earlier.
func frags(t0 time.Time, n int) []fragments.Fragment {
	out := make([]fragments.Fragment, n)
	for i := range out {
		ts := t0.Add(time.Duration(i) * 2 * time.Second)
		out[i] = fragments.Fragment{Seq: uint64(100 + i), Pos: uint64(i + 1), ServerMillis: ts.UnixMilli(),
			ProducerMillis: ts.Add(-time.Hour).UnixMilli(), DurationMillis: 2000}
	}
	return out
}

func positions(fs []fragments.Fragment) []uint64 {
	var out []uint64
	for _, f := range fs {
		out = append(out, f.Pos)
	}
	return out
}

func TestWindow(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000)
	all := frags(t0, 10)
	dup := append(frags(t0, 3), fragments.Fragment{Seq: 200, Pos: 4, ServerMillis: t0.Add(9 * time.Second).UnixMilli(),
		ProducerMillis: t0.Add(-time.Hour).UnixMilli(), DurationMillis: 2000})
	for _, tc := range []struct {
		name  string
		s     Session
		in    []fragments.Fragment
		now   time.Time
		want  []uint64
		ended bool
	}{
		{"live newest", Session{Mode: media.Live, Kind: fragments.ServerTimestamp, MaxResults: 3}, all, t0, []uint64{8, 9, 10}, false},
		{"live fewer", Session{Mode: media.Live, Kind: fragments.ServerTimestamp, MaxResults: 30}, all[:2], t0, []uint64{1, 2}, false},
		{"on demand range", Session{Mode: media.OnDemand, Kind: fragments.ServerTimestamp, Start: t0.Add(3 * time.Second), End: t0.Add(10 * time.Second), MaxResults: 1000},
			all, t0, []uint64{3, 4, 5, 6}, true},
		{"on demand oldest", Session{Mode: media.OnDemand, Kind: fragments.ServerTimestamp, Start: t0, End: t0.Add(time.Hour), MaxResults: 2},
			all, t0, []uint64{1, 2}, true},
		{"on demand producer", Session{Mode: media.OnDemand, Kind: fragments.ProducerTimestamp, Start: t0.Add(-time.Hour), End: t0.Add(-time.Hour + 2*time.Second), MaxResults: 10},
			all, t0, []uint64{1, 2}, true},
		{"producer dedup keeps the newer", Session{Mode: media.OnDemand, Kind: fragments.ProducerTimestamp, Start: t0.Add(-2 * time.Hour), End: t0, MaxResults: 10},
			dup, t0, []uint64{2, 3, 4}, true},
		{"replay at creation", Session{Mode: media.LiveReplay, Kind: fragments.ServerTimestamp, Start: t0.Add(4 * time.Second), Created: t0.Add(time.Hour), MaxResults: 5},
			all, t0.Add(time.Hour), []uint64{3}, false},
		{"replay paced", Session{Mode: media.LiveReplay, Kind: fragments.ServerTimestamp, Start: t0.Add(4 * time.Second), Created: t0.Add(time.Hour), MaxResults: 5},
			all, t0.Add(time.Hour + 5*time.Second), []uint64{3, 4, 5}, false},
		{"replay window slides", Session{Mode: media.LiveReplay, Kind: fragments.ServerTimestamp, Start: t0, Created: t0.Add(time.Hour), MaxResults: 2},
			all, t0.Add(time.Hour + 7*time.Second), []uint64{3, 4}, false},
		{"replay ends", Session{Mode: media.LiveReplay, Kind: fragments.ServerTimestamp, Start: t0, End: t0.Add(4 * time.Second), Created: t0.Add(time.Hour), MaxResults: 5},
			all, t0.Add(2 * time.Hour), []uint64{1, 2, 3}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ended := tc.s.Window(tc.in, tc.now)
			if g := positions(got); !equal(g, tc.want) || ended != tc.ended {
				t.Errorf("Window = %v ended %v, want %v ended %v", g, ended, tc.want, tc.ended)
			}
		})
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFFmpegArgs(t *testing.T) {
	for _, tc := range []struct {
		o    ImageOptions
		want string
	}{
		{ImageOptions{Format: JPEG}, "-c:v mjpeg -pix_fmt yuvj420p -q:v 8"},
		{ImageOptions{Format: JPEG, Quality: 100}, "-q:v 2"},
		{ImageOptions{Format: JPEG, Quality: 1}, "-q:v 31"},
		{ImageOptions{Format: PNG, Width: 64, Height: 48}, "-vf scale=64:48 -c:v png"},
		{ImageOptions{Format: PNG, Width: 64}, "-vf scale=64:-2"},
		{ImageOptions{Format: PNG, Height: 48}, "-vf scale=-2:48"},
	} {
		got := " " + strings.Join(ffmpegArgs(tc.o), " ") + " "
		if !strings.Contains(got, " "+tc.want+" ") {
			t.Errorf("%+v: %s lacks %q", tc.o, got, tc.want)
		}
	}
}
