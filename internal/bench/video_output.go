package bench

import (
	"fmt"
	"strings"
)

// writeText writes the video workloads' account.
func (v *Video) writeText(b *strings.Builder) {
	fmt.Fprintf(b, "\nvideo: %d producer(s) on %d stream(s), %g Mbit/s each, %gs fragments at %d fps (key frame %d bytes, others %d)\n",
		v.Producers, v.Streams, v.BitrateBps/1e6, v.FragmentSeconds, v.FPS, v.KeyFrameBytes, v.FrameBytes)
	fmt.Fprintf(b, "  %d fragments PERSISTED while measuring, %.2f Mbit/s in all; %d unacknowledged\n", v.Fragments, v.MbitPerSec, v.Unacknowledged)
	fmt.Fprintf(b, "  last byte -> PERSISTED: the phase's latency above; BUFFERING -> PERSISTED ms p50 %.1f p90 %.1f p99 %.1f max %.1f\n",
		v.BufferingToPersisted.P50, v.BufferingToPersisted.P90, v.BufferingToPersisted.P99, v.BufferingToPersisted.Max)
	if v.LateWrites > 0 || v.MaxWriteLagMs > 0 {
		fmt.Fprintf(b, "  pacing: %d writes more than a frame late, the latest %.1f ms after its due time\n", v.LateWrites, v.MaxWriteLagMs)
	}
	if v.ServerCPUPerMiB > 0 {
		fmt.Fprintf(b, "  server CPU %.4fs per MiB stored\n", v.ServerCPUPerMiB)
	}
	if l := v.Live; l != nil {
		fmt.Fprintf(b, "  live: PERSISTED ACK -> chunk read by GetMedia ms p50 %.2f p90 %.2f p99 %.2f max %.2f; %d acknowledged, %d read (%d before their ACK), %d missing\n",
			l.P50, l.P90, l.P99, l.Max, v.LiveAcked, v.LiveReceived, v.LiveBeforeAck, v.LiveMissing)
	}
	if v.HoursStored > 0 {
		fmt.Fprintf(b, "  stored %.2f hours of video in %.1fs (%.0fx real time); %d HLS sessions (%d playlists), clips of %gs (%.1f fragments on average)\n",
			v.HoursStored, v.StoreSeconds, v.Speedup, v.HLSSessions, v.HLSPlaylists, v.ClipSeconds, v.ClipFragments)
	}
}
