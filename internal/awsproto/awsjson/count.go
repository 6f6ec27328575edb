package awsjson

// CountValues returns an upper bound of the number of values (objects,
// arrays, strings, numbers, literals; object keys included) in body, or
// more than limit once it is past limit. It only scans: the body need not
// be valid JSON (a malformed body fails its decoding anyway), and a string
// is skipped whatever it holds.
//
// Decoding into the generic tree costs tens of bytes per value, so a 16 MiB
// body of "0,0,0,..." decodes into hundreds of MiB; counting first lets the
// caller refuse such a body for the cost of one pass over it.
func CountValues(body []byte, limit int) int {
	n := 1
	for i := 0; i < len(body) && n <= limit; i++ {
		switch body[i] {
		case ',', ':', '[', '{':
			n++
		case '"':
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
		}
	}
	return n
}
