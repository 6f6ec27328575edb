// Package media repackages Kinesis Video fragments for playback, never
// re-encoding them: fMP4 init and media segments (HLS FRAGMENTED_MP4, DASH),
// a progressive MP4 (GetClip), MPEG-TS segments (HLS MPEG_TS), and the HLS
// playlists and DASH manifest that point at them.
//
// # Input
//
// A Stream is made from the mkv.Header a producer sent (NewStream checks it
// as AWS does: track 1 H.264 — V_MPEG4/ISO/AVC or AWS's spelling
// V_MPEG/ISO/AVC — or H.265, V_MPEGH/ISO/HEVC, with AVCC/HVCC codec private
// data; optionally an A_AAC track with its AudioSpecificConfig). Segments
// are made from mkv.Frames: timecodes in ticks of the header's
// TimecodeScale, video in AVCC form (NAL units led by their lengths).
//
// # Timing
//
// Matroska timecodes are presentation times, and frames are stored in
// decode order. Decode times are the presentation times sorted, so without
// B-frames DTS = PTS, and with them DTS is monotonic and composition
// offsets are signed (trun and ctts version 1). No shift is applied, so the
// fMP4 clock (tfdt) is the producer's own, converted to 90 kHz for video
// and to the sample rate for AAC: segments made independently, one per
// request, follow each other exactly. A frame lasts until the next one; the
// last one of a segment until Segment.End (the next fragment's first
// timecode) when the caller knows it, else its BlockDuration, the nominal
// frame duration (DefaultDuration, the SPS's timing), or the previous
// frame's. AAC frames last 1024 samples each. MPEG-TS needs DTS ≤ PTS: TS
// segments shift DTS back by the segment's largest reordering (zero
// without B-frames).
//
// # Formats
//
//	fMP4 init:     ftyp moov{mvhd trak… mvex{trex…}}    InitSegment(tracks…)
//	fMP4 segment:  styp moof{mfhd traf{tfhd tfdt trun}…} mdat
//	                                                    MediaSegment(seg, tracks…)
//	GetClip:       ftyp moov{… stts ctts stss stsc stsz stco} mdat
//	                                                    WriteClip(w, seg)
//	MPEG-TS:       PAT PMT PES(video: AUD [SPS PPS] frame) PES(audio: ADTS)…
//	                                                    TSSegment(seg)
//
// AWS's HLS and DASH serve each track on its own (TrackNumber in the URLs):
// InitSegment and MediaSegment take the track numbers to include. GetClip's
// reference calls its payload a "traditional MP4 file", so WriteClip writes
// a progressive MP4 (moov before mdat, streamed sample by sample) rather
// than a fragmented one.
//
// # Playlists and manifests
//
// HLSMasterPlaylist, HLSMediaPlaylist and DASHManifest write text for a
// list of Fragments (number, session sequence, timecode, timestamp,
// duration, size); the caller picks the fragments (timestamp range, LIVE
// window, MaxMediaPlaylistFragmentResults) and names the resources through
// URLs. AWSURLs names them as AWS's playlists do, relative to /hls/v1/ or
// /dash/v1/: getHLSMediaPlaylist.m3u8?SessionToken=…&TrackNumber=1,
// getMP4InitFragment.mp4?SessionToken=…&TrackNumber=1,
// getMP4MediaFragment.mp4?FragmentNumber=…&SessionToken=…&TrackNumber=1,
// getTSFragment.ts?FragmentNumber=…&SessionToken=… (the names and
// parameters seen in AWS-generated playlists; getTSFragment's parameters are
// inferred from the MP4 ones). With fMP4 and audio, the master playlist has
// the AAC track as an EXT-X-MEDIA audio rendition with its own media
// playlist, as AWS's do; with MPEG-TS both tracks are in each TS fragment.
// DiscontinuityMode follows AWS's reference: ALWAYS marks every fragment,
// ON_DISCONTINUITY a gap or overlap of more than 50 ms, NEVER none.
//
// The DASH manifest uses a SegmentTemplate with a SegmentTimeline (one S
// per fragment, kvs:fn and kvs:ts on them when asked, as AWS's reference
// describes) whose media URL carries $Number$ = Fragment.Sequence as
// SequenceNumber: AWS says fragments are identified in the manifest "based
// on their sequence number in the session". The wire layer maps a
// SequenceNumber back to a fragment (the fragment index's counter serves
// as the sequence, which needs no session state). ON_DEMAND is static;
// LIVE and LIVE_REPLAY are dynamic.
//
// # Libraries
//
// github.com/bluenviron/mediacommon/v2 (v2.4.1, MIT) writes the MP4 boxes
// (pkg/formats/fmp4 for init and media segments, pkg/formats/pmp4 for the
// progressive MP4) and parses SPSs (pkg/codecs/h264, h265) and the
// AudioSpecificConfig (pkg/codecs/mpeg4audio). It was chosen over
// github.com/Eyevinn/mp4ff because one module covers fMP4, progressive MP4
// and the codec parsers with a small API built around samples with PTS
// offsets, which is what repackaging Matroska frames needs; its fmp4 writer
// uses tfdt and trun version 1 (64-bit base times, signed composition
// offsets), its pmp4 writer takes each sample's payload lazily. Parsing of
// the AVCC/HVCC records, the RFC 6381 codec strings and the MPEG-TS muxer
// are this package's own: the muxer so that TS segments made one per
// request still have continuous continuity counters (see ts.go).
package media
