// Package sse is server-side encryption of records at rest: envelope
// encryption with AES-256-GCM data keys that a master key (package kms)
// makes and wraps. Package streams seals every record written while a
// stream's encryption is on and opens it again on every read; the storage
// backends below only ever see sealed bytes. Package firehose does the
// same for the records a delivery stream keeps in its log, and package
// fragments for a video stream's media and headers; their logs have no
// partition keys to spare (a delivery stream's records have none, media
// records carry their fragment's sequence), so they store a sealed record
// under the partition key "sse" instead of the empty one (their package
// docs have the layouts).
//
// # Granularity: a data key per owner per period
//
// A Keyring belongs to one owner of records (one data stream) and one
// master key at a time. It seals with one data key for at most Lifetime
// (5 minutes by default: AWS's Kinesis calls KMS "approximately every five
// minutes when it is rotating the data key") or MaxUses records, whichever
// comes first, then makes the next with GenerateDataKey. The issue asked
// for a data key per segment; segments belong to the embedded store's log
// (package logstore), and the cluster backend has objects instead, so a key
// per segment would have to live in each backend. A key per stream per
// period needs nothing of the storage layer — every backend stores the same
// sealed bytes — bounds what one data key protects by time and volume as a
// segment would, and costs one KMS call and one metadata write per stream
// per period, not per segment.
//
// # Durability
//
// A new data key is stored wrapped, in the metadata store under the
// owner's prefix, by a transaction that is durable before the key seals
// anything; a record is acknowledged only after it is appended, so an
// acknowledged record's key always survives a crash. Data keys are never
// shared between processes: each process (and, in a cluster, each owner in
// turn) makes its own. That is what makes the counter nonces below safe.
// The plaintext of a data key is only ever in memory.
//
// # Stored data key (metadata value, JSON)
//
//	{"v":1, "id":"<16 hex>", "keyId":"<master key reference>", "keyArn":"arn:aws:kms:…",
//	 "created":<unix ms>, "until":<unix ms>, "wrapped":"<base64 CiphertextBlob>"}
//
// "until" is when the key stopped (or stops) sealing: a record sealed with
// it arrived at most a request's duration after. Prune deletes the keys
// whose "until" is older than the oldest record the owner still has.
//
// # Sealed record, version 1
//
//	+------+-------------------+---------------------------+-------------------------------+
//	| 0xE1 | data key ID (8 B) | nonce (12 B)              | AES-256-GCM(payload) + 16 B tag |
//	+------+-------------------+---------------------------+-------------------------------+
//	payload = uvarint(len(partition key)) | partition key | data
//	nonce   = 4 random bytes chosen with the data key | 8-byte big-endian counter
//	additional data = the first 9 bytes | the owner's binding (the stream ID)
//
// 37 bytes of overhead plus the length's byte or two. The partition key is
// sealed with the data: what identifies a record's content is not left in
// plaintext. (The explicit hash key only routes a record and is never
// stored.) The owner stores a sealed record with an empty partition key,
// which no writer may store otherwise (Kinesis requires 1 to 256
// characters), so a reader tells sealed from plaintext records without
// knowing when encryption was on; records written before encryption was
// switched on, or after it was switched off, stay plaintext and readable.
// Nonces: the counter starts at 0 for every data key and a data key seals
// in one process only, so no nonce repeats under a key (GCM's one hard
// rule) and no random-nonce birthday bound applies.
//
// # A disabled or missing master key
//
// Writes: a new data key needs GenerateDataKey, which a disabled key
// refuses (DisabledException), so writes fail with KMSDisabledException at
// the latest one Lifetime after the key was disabled. Reads: an unwrapped
// data key is kept in memory for at most Recheck (5 minutes by default),
// then unwrapped again with Decrypt, so reads of records it sealed fail
// with KMSDisabledException (or KMSNotFoundException, ...) from then on,
// and work again once the key is enabled. This is AWS's behaviour, with its
// caching. A data key missing from the metadata store (Open's
// ErrKeyMissing: a metadata store restored from a backup older than the
// record, or lost and the stream restored from its log's manifest) costs
// only the records it sealed: package streams skips them, as the log skips
// a damaged entry, and logs them at ERROR.
package sse
