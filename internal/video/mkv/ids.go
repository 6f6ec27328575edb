package mkv

// Element IDs, written with their length marker as they appear on the wire.
const (
	// EBML header.
	idEBML               = 0x1A45DFA3
	idEBMLVersion        = 0x4286
	idEBMLReadVersion    = 0x42F7
	idEBMLMaxIDLength    = 0x42F2
	idEBMLMaxSizeLength  = 0x42F3
	idDocType            = 0x4282
	idDocTypeVersion     = 0x4287
	idDocTypeReadVersion = 0x4285

	// Global elements, allowed anywhere.
	idVoid  = 0xEC
	idCRC32 = 0xBF

	// Segment and its top-level children.
	idSegment     = 0x18538067
	idSeekHead    = 0x114D9B74
	idInfo        = 0x1549A966
	idTracks      = 0x1654AE6B
	idCluster     = 0x1F43B675
	idCues        = 0x1C53BB6B
	idTags        = 0x1254C367
	idChapters    = 0x1043A770
	idAttachments = 0x1941A469

	// Info.
	idTimecodeScale = 0x2AD7B1
	idMuxingApp     = 0x4D80
	idWritingApp    = 0x5741

	// Tracks.
	idTrackEntry        = 0xAE
	idTrackNumber       = 0xD7
	idTrackUID          = 0x73C5
	idTrackType         = 0x83
	idName              = 0x536E
	idCodecID           = 0x86
	idCodecPrivate      = 0x63A2
	idDefaultDuration   = 0x23E383
	idVideo             = 0xE0
	idPixelWidth        = 0xB0
	idPixelHeight       = 0xBA
	idAudio             = 0xE1
	idSamplingFrequency = 0xB5
	idChannels          = 0x9F

	// Cluster.
	idTimecode       = 0xE7
	idSimpleBlock    = 0xA3
	idBlockGroup     = 0xA0
	idBlock          = 0xA1
	idBlockDuration  = 0x9B
	idReferenceBlock = 0xFB

	// Tags.
	idTag       = 0x7373
	idTargets   = 0x63C0
	idSimpleTag = 0x67C8
	idTagName   = 0x45A3
	idTagString = 0x4487
)

// topLevel reports whether id starts an element that cannot be a Cluster's
// child: a Segment's child other than the global ones, a Segment or an EBML
// header. A Cluster of unknown size ends where one of these begins.
func topLevel(id uint32) bool {
	switch id {
	case idEBML, idSegment, idSeekHead, idInfo, idTracks, idCluster, idCues,
		idTags, idChapters, idAttachments:
		return true
	}
	return false
}
