// Package kms holds the master keys of server-side encryption and uses them
// the way AWS KMS does: GenerateDataKey makes a 256-bit data key and returns
// it twice, in plaintext (to encrypt with, then forget) and wrapped by the
// master key (to store beside the data); Decrypt unwraps it again. The
// services never see a master key, only the MasterKeys interface, which
// package server injects:
//
//   - LocalKeys: a local key file (default <data-dir>/keys.json, or
//     --kms-key-file), for a single node without a KMS.
//   - package kms/remote: an AWS KMS API endpoint (--kms-endpoint), AWS's
//     own or a compatible one; it brings net/http, so the domain packages
//     import only this package.
//
// # Key references
//
// Every operation takes a KeyId the way KMS does: a key ID
// (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN
// (arn:aws:kms:us-east-1:111122223333:key/1234abcd-…), an alias name
// (alias/orders) or an alias ARN (arn:aws:kms:us-east-1:111122223333:alias/orders).
// A bare ID or alias name is the caller's account and region. The AWS
// managed keys (alias/aws/kinesis, alias/aws/firehose,
// alias/aws/kinesisvideo) are created in the key file on first use, per
// account and region, as AWS creates them when a service first uses them.
// Failures are *Error with KMS's code and KMS's wording: an unknown key or
// alias is NotFound ("Key 'arn:…' does not exist", "Alias 'arn:…' is not
// found."), a disabled one Disabled ("arn:… is disabled."), another
// account's AccessDenied; the services map them to their own
// KMSNotFoundException, KMSDisabledException, and so on.
//
// # The key file
//
// One JSON object, written whole (a temporary file, fsync, rename, fsync of
// the directory) under an flock(2) of <file>.lock that the server and the
// `sluice kms` commands share, mode 0600 in a directory made 0700. Version
// 1:
//
//	{
//	  "version": 1,
//	  "keys": [
//	    {
//	      "id":       "1234abcd-12ab-34cd-56ef-1234567890ab",
//	      "arn":      "arn:aws:kms:us-east-1:000000000000:key/1234abcd-…",
//	      "account":  "000000000000",
//	      "region":   "us-east-1",
//	      "aliases":  ["alias/aws/kinesis"],
//	      "state":    "Enabled",            // or Disabled, PendingDeletion
//	      "manager":  "AWS",                // or CUSTOMER
//	      "description": "…",
//	      "created":  "2026-01-01T00:00:00Z",
//	      "material": "<base64 of 32 random bytes>"
//	    }
//	  ],
//	  "sha256": "<hex SHA-256 of the JSON encoding of keys>"
//	}
//
// The checksum catches a damaged file, which then stops the start with a
// message rather than making data unreadable; a file of another version is
// refused, never rewritten (a later version adds fields and a migration
// note here). The file holds every master key in plaintext: whoever reads
// it can read the encrypted records of every stream whose data keys it
// wraps, and whoever loses it loses those records. Back it up apart from
// the data directory (see the README), and keep it elsewhere with
// --kms-key-file when the data directory's backups go where the key must
// not.
//
// Wrapped data keys are 77 bytes (wrap.go): a version byte, the master
// key's ID, a nonce and the AES-256-GCM sealed data key, with the
// encryption context bound as additional data.
package kms
