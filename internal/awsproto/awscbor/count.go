package awscbor

// CountItems returns an upper bound of the number of data items (map keys
// and values, array elements, tags' contents, ...) in body, or more than
// limit once it is past limit. It walks the item heads in one linear pass,
// skipping string contents, without building anything; it stops at the
// first malformed head (the decoding fails on it anyway).
//
// Decoding into the generic tree costs tens of bytes per item, so a body of
// arrays of one-byte integers decodes into sixteen times its size or more;
// counting first lets the caller refuse it for the cost of one pass.
func CountItems(body []byte, limit int) int {
	n := 0
	for i := 0; i < len(body) && n <= limit; {
		head := body[i]
		major, info := head>>5, head&0x1f
		i++
		var arg uint64
		switch {
		case info < 24:
			arg = uint64(info)
		case info <= 27:
			size := 1 << (info - 24)
			if len(body)-i < size {
				return n
			}
			for _, b := range body[i : i+size] {
				arg = arg<<8 | uint64(b)
			}
			i += size
		case info == 31: // indefinite length, or the break of one
			if head != 0xff {
				n++
			}
			continue
		default:
			return n // reserved: malformed
		}
		n++
		if (major == 2 || major == 3) && arg > 0 { // byte and text strings: skip the content
			if arg > uint64(len(body)-i) {
				return n
			}
			i += int(arg)
		}
	}
	return n
}
