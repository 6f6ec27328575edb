package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"sort"
)

// Wrapped data keys of the local key file (the CiphertextBlob that
// LocalKeys.GenerateDataKey returns), version 1:
//
//	+------+----------------+------------+--------------------------------+
//	| 0x01 | key ID (16 B)  | nonce (12) | AES-256-GCM(data key) + tag    |
//	+------+----------------+------------+--------------------------------+
//	   1          16              12                 32 + 16
//
// The key ID is the master key's UUID; the GCM key is its material; the
// additional data is the first 17 bytes followed by the encryption context
// (sorted by key, each key and value preceded by its length as a uvarint),
// so that a wrapped key opens only with the context it was made with.
const (
	wrapVersion  = 0x01
	wrapHeader   = 1 + 16
	wrapNonce    = 12
	wrappedBytes = wrapHeader + wrapNonce + 32 + 16
)

func wrap(key *Key, plain []byte, encryptionContext map[string]string) ([]byte, error) {
	id, ok := parseUUID(key.ID)
	if !ok {
		return nil, errKeyNotFound(key.ARN)
	}
	aead, err := newGCM(key.Material)
	if err != nil {
		return nil, err
	}
	out := make([]byte, wrapHeader+wrapNonce, wrappedBytes)
	out[0] = wrapVersion
	copy(out[1:wrapHeader], id[:])
	rand.Read(out[wrapHeader : wrapHeader+wrapNonce])
	return aead.Seal(out, out[wrapHeader:wrapHeader+wrapNonce], plain, additionalData(out[:wrapHeader], encryptionContext)), nil
}

func unwrap(key *Key, wrapped []byte, encryptionContext map[string]string) ([]byte, error) {
	aead, err := newGCM(key.Material)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, wrapped[wrapHeader:wrapHeader+wrapNonce], wrapped[wrapHeader+wrapNonce:], additionalData(wrapped[:wrapHeader], encryptionContext))
	if err != nil {
		return nil, errInvalidCiphertext()
	}
	return plain, nil
}

// wrappedKeyID returns the master key ID a wrapped key names.
func wrappedKeyID(wrapped []byte) (string, bool) {
	if len(wrapped) != wrappedBytes || wrapped[0] != wrapVersion {
		return "", false
	}
	var id [16]byte
	copy(id[:], wrapped[1:wrapHeader])
	return formatUUID(id), true
}

func additionalData(header []byte, encryptionContext map[string]string) []byte {
	keys := make([]string, 0, len(encryptionContext))
	for k := range encryptionContext {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ad := append([]byte(nil), header...)
	for _, k := range keys {
		ad = binary.AppendUvarint(ad, uint64(len(k)))
		ad = append(ad, k...)
		v := encryptionContext[k]
		ad = binary.AppendUvarint(ad, uint64(len(v)))
		ad = append(ad, v...)
	}
	return ad
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func errInvalidCiphertext() error {
	return &Error{Code: Invalid, Msg: "The ciphertext is not valid for any KMS key this account can use, or its encryption context does not match."}
}
