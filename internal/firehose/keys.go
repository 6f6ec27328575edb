package firehose

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // CustomTimeZone works without the system's zoneinfo
)

// defaultTimePrefix is what AWS adds to a prefix without a timestamp
// expression: the hour's folders, in UTC or CustomTimeZone.
const defaultTimePrefix = "yyyy/MM/dd/HH/"

// prefixPart is a piece of a compiled prefix: literal text or an expression.
type prefixPart struct {
	text      string
	timestamp javaLayout // !{timestamp:...}
	random    bool       // !{firehose:random-string}
	errorType bool       // !{firehose:error-output-type}
	// queryKey and lambdaKey name a dynamic partitioning key:
	// !{partitionKeyFromQuery:name} and !{partitionKeyFromLambda:name}.
	queryKey, lambdaKey string
}

// compilePrefix parses a Prefix or ErrorOutputPrefix. A prefix without a
// timestamp expression gets the default hour folders appended (AWS's
// documented behaviour: "myPrefix" delivers under myPrefix2026/11/26/10/,
// so users end their prefixes with '/').
func compilePrefix(prefix string, isError bool) ([]prefixPart, error) {
	var parts []prefixPart
	hasTime := false
	rest := prefix
	for {
		i := strings.Index(rest, "!{")
		if i < 0 {
			if rest != "" {
				parts = append(parts, prefixPart{text: rest})
			}
			break
		}
		if i > 0 {
			parts = append(parts, prefixPart{text: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, errInvalid("The expression %q in the prefix is not closed with '}'.", rest[i:])
		}
		expr := rest[i+2 : i+j]
		rest = rest[i+j+1:]
		ns, arg, _ := strings.Cut(expr, ":")
		switch {
		case ns == "timestamp":
			l, err := compileJava(arg)
			if err != nil || arg == "" {
				return nil, errInvalid("The expression !{%s} is not a valid timestamp expression: %v.", expr, err)
			}
			parts = append(parts, prefixPart{timestamp: l})
			hasTime = true
		case ns == "firehose" && arg == "random-string":
			parts = append(parts, prefixPart{random: true})
		case ns == "firehose" && arg == "error-output-type":
			if !isError {
				return nil, errInvalid("The expression !{firehose:error-output-type} is only allowed in ErrorOutputPrefix.")
			}
			parts = append(parts, prefixPart{errorType: true})
		case ns == "partitionKeyFromQuery" || ns == "partitionKeyFromLambda":
			if isError {
				return nil, errInvalid("The expression !{%s} is not allowed in ErrorOutputPrefix.", expr)
			}
			if arg == "" {
				return nil, errInvalid("The expression !{%s} must name a partition key.", expr)
			}
			if ns == "partitionKeyFromQuery" {
				parts = append(parts, prefixPart{queryKey: arg})
			} else {
				parts = append(parts, prefixPart{lambdaKey: arg})
			}
		default:
			return nil, errInvalid("The expression !{%s} in the prefix is not supported.", expr)
		}
	}
	if !hasTime {
		l, _ := compileJava(defaultTimePrefix)
		parts = append(parts, prefixPart{timestamp: l})
	}
	return parts, nil
}

func hasExpression(prefix string) bool { return strings.Contains(prefix, "!{") }

// hasPartitionKeys reports whether a prefix uses dynamic partitioning keys.
func hasPartitionKeys(prefix string) bool {
	return strings.Contains(prefix, "!{partitionKeyFromQuery:") || strings.Contains(prefix, "!{partitionKeyFromLambda:")
}

// evalPrefix evaluates a compiled prefix at t (already in the right zone).
// Every timestamp expression resolves to the same instant.
func evalPrefix(parts []prefixPart, t time.Time, errorType string) string {
	return evalPartitionedPrefix(parts, t, errorType, nil)
}

// evalPartitionedPrefix is evalPrefix with the partition keys of a
// dynamically partitioned object (checked by partitionOf beforehand).
func evalPartitionedPrefix(parts []prefixPart, t time.Time, errorType string, keys *partitionKeys) string {
	var b strings.Builder
	for _, p := range parts {
		switch {
		case p.queryKey != "":
			if keys != nil {
				b.WriteString(keys.query[p.queryKey])
			}
		case p.lambdaKey != "":
			if keys != nil {
				b.WriteString(keys.lambda[p.lambdaKey])
			}
		case p.timestamp != nil:
			b.WriteString(p.timestamp.format(t))
		case p.random:
			b.WriteString(randomString(11))
		case p.errorType:
			b.WriteString(errorType)
		default:
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// objectName is the file name Firehose gives an object:
// DeliveryStreamName-Version-yyyy-MM-dd-HH-mm-ss-<uuid>.
func objectName(stream string, version int64, t time.Time) string {
	return fmt.Sprintf("%s-%d-%s-%s", stream, version, t.Format("2006-01-02-15-04-05"), newUUID())
}

// extension is the object name's ending: FileExtension when set, otherwise
// the compression's.
func extension(compression, fileExtension string) string {
	if fileExtension != "" {
		return fileExtension
	}
	switch compression {
	case GZIP:
		return ".gz"
	case ZIP:
		return ".zip"
	case ZSTD:
		return ".zst"
	case Snappy, HadoopSnappy:
		return ".snappy"
	}
	return ""
}

const randomAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = randomAlphabet[int(b[i])%len(randomAlphabet)]
	}
	return string(b)
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
