// Package eventstream reads and writes application/vnd.amazon.eventstream
// messages: the binary framing of AWS's streaming operations, such as the
// response of Kinesis SubscribeToShard and the bidirectional streams of
// Transcribe, Lex and Kinesis Video. It knows nothing of any service: a
// message is a list of typed headers and an opaque payload.
//
// # Use
//
//	enc := eventstream.NewEncoder(w) // one Write per message; flush after each
//	enc.Encode(eventstream.Event("initial-response", "application/json", []byte("{}")))
//
//	dec := eventstream.NewDecoder(r)
//	for {
//		m, err := dec.Decode() // io.EOF at a clean end
//		...
//		switch m.StringHeader(eventstream.HeaderMessageType) { ... }
//	}
//
// # Frame
//
// A stream is a sequence of messages with nothing between them. Integers
// are big-endian; CRC is CRC-32/IEEE, the checksum of gzip and zlib
// (crc32.ChecksumIEEE).
//
//	 0               1               2               3
//	+---------------+---------------+---------------+---------------+ -
//	|                      total length (u32)                       |  \
//	+---------------------------------------------------------------+   | prelude,
//	|                     headers length (u32)                      |   | 12 bytes
//	+---------------------------------------------------------------+   |
//	|       prelude CRC (u32): CRC of the 8 bytes just above        |  /
//	+---------------------------------------------------------------+ -
//	|            headers: headers length bytes, see below           |
//	|                              ...                              |
//	+---------------------------------------------------------------+
//	|   payload: total - headers length - 16 bytes, opaque here     |
//	|                              ...                              |
//	+---------------------------------------------------------------+
//	|     message CRC (u32): CRC of every byte above, prelude too   |
//	+---------------------------------------------------------------+
//
// The total length counts the whole message, both CRCs included, so the
// smallest message (no headers, no payload) is 16 bytes. The prelude has its
// own CRC so that a reader can trust the lengths before it reads the rest.
//
// The headers section is a sequence of headers with nothing between them:
//
//	+----------+------------------+------+------------------------+
//	| name len | name             | type | value                  |
//	| u8, 1..  | name len bytes   | u8   | as the type says       |
//	+----------+------------------+------+------------------------+
//
//	type  Type           value bytes
//	0     TypeTrue       none (a boolean true)
//	1     TypeFalse      none (a boolean false)
//	2     TypeInt8       1, signed (the specification's "byte"; the SDKs read it as int8)
//	3     TypeInt16      2, signed
//	4     TypeInt32      4, signed
//	5     TypeInt64      8, signed
//	6     TypeBytes      u16 length, then that many bytes
//	7     TypeString     u16 length, then that many bytes of UTF-8
//	8     TypeTimestamp  8: int64 milliseconds since the Unix epoch
//	9     TypeUUID       16
//
// For example, the initial-response event that opens a SubscribeToShard
// stream, with payload {} (104 bytes; the golden test spells out every byte):
//
//	00000068 00000056 <prelude CRC>                 total 104, headers 86
//	0d ":message-type"  07 0005 "event"             22 bytes
//	0b ":event-type"    07 0010 "initial-response"  31 bytes
//	0d ":content-type"  07 0010 "application/json"  33 bytes
//	"{}"                                            payload
//	<message CRC>
//
// # Limits
//
// Both directions enforce AWS's limits: a message is at most MaxMessageLen
// (16 MiB) in all, its headers section at most MaxHeadersLen (128 KiB), a
// header name 1 to MaxNameLen (255) bytes, and a bytes or string value at
// most MaxValueLen (32,767) bytes: the length is a u16 on the wire, but the
// AWS SDKs (Go, C, Java, Ruby) hold it in an int16 and refuse longer values,
// so nothing longer could be read by a client. A header name appears at most
// once in a message; AWS's documentation says so, and the SDK decoders keep
// only one of two, so a duplicate is refused rather than resolved.
//
// The Decoder reads a message only after its prelude CRC and lengths pass,
// and grows its buffer as bytes arrive (64 KiB first, then doubling, never
// past the declared length nor four times what has arrived), so a peer
// that declares 16 MiB and sends 12 bytes costs 64 KiB, not 16 MiB. Names and string values are not checked to be
// UTF-8: bytes are kept as they came.
//
// Anything the Decoder accepts, the Encoder writes back byte for byte: the
// format leaves no freedom (header order is kept), and both sides apply the
// same limits. FuzzDecode checks this.
//
// # Conventions
//
// AWS's streaming protocols put the kind of each message in string headers,
// which Event, Exception and Error write:
//
//	:message-type    event | exception | error
//	:event-type      for events: the event's member name, or initial-response
//	:exception-type  for exceptions: a modelled error's name, payload = its members
//	:error-code      for errors: an unmodelled error's code
//	:error-message   for errors: its message
//	:content-type    the payload's media type, when there is a payload
//
// # Errors
//
// Decode returns io.EOF at a clean end (between messages),
// io.ErrUnexpectedEOF for a stream that ends inside a message, the reader's
// own errors as they are, and a *FormatError, which wraps ErrChecksum,
// ErrLength or ErrHeader, for a message that breaks the format. Every error
// is final: a length-prefixed stream cannot be resynchronised, so later
// calls return the same error. Encode refuses a message that breaks the
// limits with a *FormatError and writes nothing.
//
// # Versions
//
// The format is AWS's and carries no version number; it has not changed
// since AWS published it. A value type beyond 9 would be refused as
// ErrHeader; supporting one means a new Type and one case in the encoder
// and the decoder.
package eventstream
