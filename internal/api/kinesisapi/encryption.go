package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// StartStreamEncryption and StopStreamEncryption: server-side encryption
// with a KMS key (a key ID, key ARN, alias name or alias ARN of the key
// file's or the --kms-endpoint's keys). Start checks the key: unknown is
// KMSNotFoundException, disabled KMSDisabledException, another account's
// KMSAccessDeniedException. The stream goes UPDATING, then reports
// EncryptionType KMS and the KeyId, and every record written from then on
// is stored sealed (package sse); Stop makes new records plaintext again.
// Reads return plaintext either way; a read or write that needs a master
// key that is disabled answers KMSDisabledException (and so on).

var encryptionInput = structOf("StreamEncryptionInput",
	shape.Req("EncryptionType", shape.Str().OneOf("NONE", "KMS")),
	shape.Req("KeyId", shape.Str().Len(1, 2048)),
)

type encryptionIn struct {
	EncryptionType string
	KeyId          string
	StreamARN      *string
	StreamId       *string
	StreamName     *string
}

func (a *API) startStreamEncryption(ctx context.Context, in *encryptionIn) (*empty, error) {
	return nil, wire(a.svc.SetEncryption(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.EncryptionType, in.KeyId, true))
}

func (a *API) stopStreamEncryption(ctx context.Context, in *encryptionIn) (*empty, error) {
	return nil, wire(a.svc.SetEncryption(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.EncryptionType, in.KeyId, false))
}
