package firehose

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/zstd"
)

// hadoopSnappyBlock is the uncompressed size of a HADOOP_SNAPPY block:
// Hadoop's io.compression.codec.snappy.buffersize default (256 KiB).
const hadoopSnappyBlock = 256 << 10

// compress frames an object's data as CompressionFormat says, returning the
// body and its Content-Encoding. name names the entry inside a ZIP archive.
func compress(format string, data []byte, name string) ([]byte, string, error) {
	var buf bytes.Buffer
	switch format {
	case GZIP:
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(data); err != nil {
			return nil, "", err
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "gzip", nil
	case ZIP:
		zw := zip.NewWriter(&buf)
		w, err := zw.Create(name)
		if err != nil {
			return nil, "", err
		}
		if _, err := w.Write(data); err != nil {
			return nil, "", err
		}
		if err := zw.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "zip", nil
	case Snappy:
		// The Snappy framing format (stream identifier, then CRC-checked
		// chunks), which snappy-java's framed streams and `snzip -t
		// framing2` read.
		w := snappy.NewBufferedWriter(&buf)
		if _, err := w.Write(data); err != nil {
			return nil, "", err
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "snappy", nil
	case HadoopSnappy:
		return hadoopSnappy(data), "hadoop-snappy", nil
	case ZSTD:
		w, err := zstd.NewWriter(&buf)
		if err != nil {
			return nil, "", err
		}
		if _, err := w.Write(data); err != nil {
			return nil, "", err
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "zstd", nil
	}
	return data, "", nil
}

// hadoopSnappy frames data as Hadoop's BlockCompressorStream does with the
// Snappy codec: per block of up to 256 KiB, the uncompressed length, then
// the compressed chunk's length and the chunk (raw Snappy), lengths as
// 4-byte big-endian integers. golang/snappy has the block codec but not
// this framing, hence it is written here.
func hadoopSnappy(data []byte) []byte {
	var out []byte
	var hdr [4]byte
	for len(data) > 0 {
		n := min(len(data), hadoopSnappyBlock)
		chunk := snappy.Encode(nil, data[:n])
		binary.BigEndian.PutUint32(hdr[:], uint32(n))
		out = append(out, hdr[:]...)
		binary.BigEndian.PutUint32(hdr[:], uint32(len(chunk)))
		out = append(out, hdr[:]...)
		out = append(out, chunk...)
		data = data[n:]
	}
	return out
}
