package process

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// MaxDecompressed bounds what one record may decompress to. AWS states no
// limit; Sluice keeps a gzip bomb from exhausting memory.
const MaxDecompressed = 64 << 20

var gzipReaders sync.Pool // of *gzip.Reader

// gunzip decompresses one record: a gzip stream of one or more members
// and nothing after them.
func gunzip(data []byte) ([]byte, error) {
	src := bytes.NewReader(data)
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(zr)
	var out bytes.Buffer
	out.Grow(min(4*len(data), MaxDecompressed))
	n, err := io.Copy(&out, io.LimitReader(zr, MaxDecompressed+1))
	if err != nil {
		return nil, err
	}
	if n > MaxDecompressed {
		return nil, fmt.Errorf("it decompresses to more than %d bytes", MaxDecompressed)
	}
	return out.Bytes(), nil
}

// decompress runs the Decompression processor on one record.
func decompress(r Record, emit func(Record), fail func(Failure)) {
	data, err := gunzip(r.Data)
	if err != nil {
		fail(Failure{Record: r, Code: CodeDecompressionFailed, Output: OutputDecompressionFailed,
			Message: "The record could not be decompressed as GZIP: " + err.Error() + "."})
		return
	}
	if r.Raw == nil {
		r.Raw = r.Data
	}
	r.Data = data
	emit(r)
}

// cwlMessage is a CloudWatch Logs subscription message, as CloudWatch Logs
// sends it to a subscription destination (gzip-compressed).
type cwlMessage struct {
	MessageType string `json:"messageType"`
	LogEvents   []struct {
		Message *string `json:"message"`
	} `json:"logEvents"`
}

// extractMessages runs CloudWatchLogProcessing with DataMessageExtraction:
// a DATA_MESSAGE becomes one record holding its log events' messages, one
// per line (a line feed between messages, none after the last), without
// the subscription's metadata; a CONTROL_MESSAGE (CloudWatch Logs checking
// that the destination is reachable) and a DATA_MESSAGE without events are
// dropped.
func extractMessages(r Record, emit func(Record), fail func(Failure)) {
	var m cwlMessage
	if err := json.Unmarshal(r.Data, &m); err != nil {
		fail(notCWL(r, "it is not JSON: "+err.Error()))
		return
	}
	switch m.MessageType {
	case "CONTROL_MESSAGE":
		return
	case "DATA_MESSAGE":
	default:
		fail(notCWL(r, fmt.Sprintf("its messageType is %q, not DATA_MESSAGE or CONTROL_MESSAGE", m.MessageType)))
		return
	}
	size := 0
	for i, e := range m.LogEvents {
		if e.Message == nil {
			fail(notCWL(r, fmt.Sprintf("log event %d has no message", i)))
			return
		}
		size += len(*e.Message) + 1
	}
	if len(m.LogEvents) == 0 {
		return
	}
	out := make([]byte, 0, size)
	for i, e := range m.LogEvents {
		if i > 0 {
			out = append(out, '\n')
		}
		out = append(out, *e.Message...)
	}
	r.Data = out
	emit(r)
}

func notCWL(r Record, why string) Failure {
	return Failure{Record: r, Code: CodeNotCloudWatchLogs, Output: OutputDecompressionFailed,
		Message: "The decompressed record is not a CloudWatch Logs subscription message: " + why + "."}
}
