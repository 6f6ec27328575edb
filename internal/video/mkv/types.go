package mkv

// The Matroska structures Sluice's Video Streams handle: what a PutMedia
// upload declares once (Header) and then sends over and over (Cluster, one
// per fragment).

// TrackType is a Matroska TrackType.
type TrackType uint8

// The track types a Kinesis Video stream carries.
const (
	TrackVideo TrackType = 1
	TrackAudio TrackType = 2
)

// DefaultTimecodeScale is Matroska's default: one tick is a millisecond.
const DefaultTimecodeScale = 1_000_000

// Track is one TrackEntry of the Tracks element.
type Track struct {
	Number       uint64
	UID          uint64
	Type         TrackType
	Name         string
	CodecID      string // V_MPEG4/ISO/AVC, V_MPEGH/ISO/HEVC, A_AAC, …
	CodecPrivate []byte // AVCC or HVCC for video, AudioSpecificConfig for AAC
	// DefaultDuration is the frame duration in nanoseconds, 0 if absent.
	DefaultDuration uint64
	// Video.
	PixelWidth, PixelHeight uint64
	// Audio.
	SamplingFrequency float64
	Channels          uint64
}

// Header is the start of a Matroska document up to its first Cluster: the
// EBML header, the Segment's start and the Segment's Info and Tracks.
type Header struct {
	// Raw is the header as GetMedia re-emits it before every fragment: the
	// EBML header, a Segment of unknown size, then Info and Tracks (other
	// top-level elements before the first Cluster — SeekHead, Cues, Void,
	// Tags — are left out: their offsets and contents describe the
	// producer's file, not the fragments Sluice serves).
	Raw []byte
	// TimecodeScale is the length of a tick in nanoseconds.
	TimecodeScale uint64
	Tracks        []Track
}

// Track returns the track numbered n, or nil.
func (h *Header) Track(n uint64) *Track {
	for i := range h.Tracks {
		if h.Tracks[i].Number == n {
			return &h.Tracks[i]
		}
	}
	return nil
}

// Frame is one frame of a cluster: a SimpleBlock's or BlockGroup's, one
// per frame of a laced block.
type Frame struct {
	Track uint64
	// Timecode is absolute, in ticks: the cluster's timecode plus the
	// block's relative one.
	Timecode int64
	// Duration in ticks, from the BlockGroup's BlockDuration; 0 if absent.
	Duration int64
	Key      bool
	// Data is the frame as stored (for H.264 and H.265, AVCC: NAL units
	// led by their lengths). It points into Cluster.Raw.
	Data []byte
}

// Cluster is one Matroska Cluster: one Kinesis Video fragment.
type Cluster struct {
	// Timecode is the cluster's timecode in ticks.
	Timecode int64
	// Raw is the whole Cluster element, its ID and a known size included
	// (a cluster of unknown size is written back with its size), as
	// GetMedia re-emits it.
	Raw    []byte
	Frames []Frame
}

// SimpleTag is one tag GetMedia adds after a fragment
// (AWS_KINESISVIDEO_FRAGMENT_NUMBER and the others).
type SimpleTag struct {
	Name, Value string
}
