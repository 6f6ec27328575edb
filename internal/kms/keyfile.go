package kms

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"sluice/internal/vfs"
)

// keyFileVersion is the version of the key file format (see the package
// doc); a file of another version is refused, never rewritten.
const keyFileVersion = 1

// maxKeyFile bounds the key file read at start (a key is about 400 bytes).
const maxKeyFile = 64 << 20

// Manager says who manages a key, as KMS's KeyManager does.
const (
	ManagerAWS      = "AWS"
	ManagerCustomer = "CUSTOMER"
)

// Key is one master key of the key file.
type Key struct {
	ID          string    `json:"id"`
	ARN         string    `json:"arn"`
	Account     string    `json:"account"`
	Region      string    `json:"region"`
	Aliases     []string  `json:"aliases,omitempty"`
	State       KeyState  `json:"state"`
	Manager     string    `json:"manager"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
	// Material is the 256-bit AES key (base64 in the file).
	Material []byte `json:"material"`
}

// Info describes the key.
func (k *Key) Info() KeyInfo { return KeyInfo{ID: k.ID, ARN: k.ARN, State: k.State} }

// keyFile is the key file's contents.
type keyFile struct {
	Version int    `json:"version"`
	Keys    []*Key `json:"keys"`
	// SHA256 is the hex SHA-256 of the JSON encoding of Keys, as written.
	SHA256 string `json:"sha256"`
}

// parseKeyFile decodes and checks a key file.
func parseKeyFile(b []byte) (*keyFile, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, fmt.Errorf("not a key file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a key file: data after the JSON object")
	}
	if kf.Version != keyFileVersion {
		return nil, fmt.Errorf("key file version %d, this Sluice reads version %d", kf.Version, keyFileVersion)
	}
	if sum := keysChecksum(kf.Keys); kf.SHA256 != sum {
		return nil, fmt.Errorf("key file checksum %q does not match its keys (%s): the file is damaged; restore it from its backup", kf.SHA256, sum)
	}
	ids := map[string]bool{}
	aliases := map[string]string{}
	for i, k := range kf.Keys {
		if k == nil {
			return nil, fmt.Errorf("key %d: null", i)
		}
		switch {
		case !uuidRE.MatchString(k.ID):
			return nil, fmt.Errorf("key %d: id %q is not a key ID", i, k.ID)
		case ids[k.ID]:
			return nil, fmt.Errorf("key %s appears twice", k.ID)
		case !accountRE.MatchString(k.Account) || k.Region == "":
			return nil, fmt.Errorf("key %s: account %q or region %q is not valid", k.ID, k.Account, k.Region)
		case k.ARN != KeyARN(k.Region, k.Account, k.ID):
			return nil, fmt.Errorf("key %s: ARN %q does not match its account, region and ID", k.ID, k.ARN)
		case k.State != StateEnabled && k.State != StateDisabled && k.State != StatePendingDeletion:
			return nil, fmt.Errorf("key %s: state %q is not Enabled, Disabled or PendingDeletion", k.ID, k.State)
		case k.Manager != ManagerAWS && k.Manager != ManagerCustomer:
			return nil, fmt.Errorf("key %s: manager %q is not AWS or CUSTOMER", k.ID, k.Manager)
		case len(k.Material) != 32:
			return nil, fmt.Errorf("key %s: material is %d bytes, not 32", k.ID, len(k.Material))
		}
		ids[k.ID] = true
		for _, a := range k.Aliases {
			if !aliasRE.MatchString(a) {
				return nil, fmt.Errorf("key %s: alias %q is not alias/NAME", k.ID, a)
			}
			scoped := k.Account + "/" + k.Region + "/" + a
			if other, dup := aliases[scoped]; dup {
				return nil, fmt.Errorf("alias %s of account %s, region %s names keys %s and %s", a, k.Account, k.Region, other, k.ID)
			}
			aliases[scoped] = k.ID
		}
	}
	return &kf, nil
}

// encode returns the file's bytes with its checksum.
func (kf *keyFile) encode() ([]byte, error) {
	kf.Version = keyFileVersion
	kf.SHA256 = keysChecksum(kf.Keys)
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func keysChecksum(keys []*Key) string {
	if keys == nil {
		keys = []*Key{}
	}
	b, _ := json.Marshal(keys)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// LocalKeys are master keys kept in a local key file: created 0600 (its
// directory 0700) on first use, re-read whenever it changes on disk (so
// that `sluice kms disable-key` takes effect in a running server), and
// rewritten atomically under a lock that the server and the `sluice kms`
// commands share.
type LocalKeys struct {
	path string
	now  func() time.Time
	fs   vfs.FS

	mu    sync.Mutex
	file  *keyFile
	stamp fileStamp
}

// fileStamp tells whether the file changed since it was read.
type fileStamp struct {
	size  int64
	mtime time.Time
	ino   uint64
}

// OpenLocal opens the key file at path (it is created when a key is
// first made). A file that exists but cannot be read or is damaged is an
// error: Sluice does not start without its keys.
func OpenLocal(path string, now func() time.Time) (*LocalKeys, error) {
	if now == nil {
		now = time.Now
	}
	k := &LocalKeys{path: path, now: now, fs: vfs.Default()}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.refreshLocked(); err != nil {
		return nil, err
	}
	return k, nil
}

// Path is the key file's path.
func (k *LocalKeys) Path() string { return k.path }

// refreshLocked re-reads the file if it changed on disk.
func (k *LocalKeys) refreshLocked() error {
	info, err := os.Stat(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		k.file, k.stamp = &keyFile{Version: keyFileVersion}, fileStamp{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("kms: key file: %w", err)
	}
	stamp := stampOf(info)
	if k.file != nil && stamp == k.stamp {
		return nil
	}
	b, err := vfs.ReadFile(k.fs, k.path, maxKeyFile)
	if err != nil {
		return fmt.Errorf("kms: key file: %w", err)
	}
	kf, err := parseKeyFile(b)
	if err != nil {
		return fmt.Errorf("kms: key file %s: %w", k.path, err)
	}
	k.file, k.stamp = kf, stamp
	return nil
}

// modify changes the key file under the file lock: it re-reads the file,
// lets fn change it, and writes it back atomically and durably.
func (k *LocalKeys) modify(fn func(kf *keyFile) error) error {
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return fmt.Errorf("kms: key file directory: %w", err)
	}
	unlockFile, err := lockFile(k.path + ".lock")
	if err != nil {
		return fmt.Errorf("kms: lock the key file: %w", err)
	}
	defer unlockFile()
	k.file = nil // read it again, whatever its stamp says
	if err := k.refreshLocked(); err != nil {
		return err
	}
	next := &keyFile{Version: keyFileVersion, Keys: make([]*Key, len(k.file.Keys))}
	for i, key := range k.file.Keys {
		c := *key
		c.Aliases = slices.Clone(key.Aliases)
		next.Keys[i] = &c
	}
	if err := fn(next); err != nil {
		return err
	}
	b, err := next.encode()
	if err != nil {
		return err
	}
	if err := vfs.WriteFileAtomic(k.fs, k.path, b); err != nil {
		return fmt.Errorf("kms: write the key file: %w", err)
	}
	k.file = nil
	return k.refreshLocked()
}

// find returns the key with the ID, or nil.
func (kf *keyFile) find(id string) *Key {
	for _, key := range kf.Keys {
		if key.ID == id {
			return key
		}
	}
	return nil
}

// findAlias returns the key an alias names in an account and region.
func (kf *keyFile) findAlias(account, region, alias string) *Key {
	for _, key := range kf.Keys {
		if key.Account == account && key.Region == region && slices.Contains(key.Aliases, alias) {
			return key
		}
	}
	return nil
}

// resolve finds the key keyID names for a caller in scope, creating an AWS
// managed key on first use. action names the KMS operation for
// access-denied messages.
func (k *LocalKeys) resolve(scope Scope, keyID, action string) (*Key, error) {
	ref, err := ParseRef(keyID)
	if err != nil {
		return nil, err
	}
	account, region := ref.Account, ref.Region
	if account == "" {
		account, region = scope.Account, scope.Region
	}
	if account != scope.Account {
		if ref.ID != "" {
			return nil, errAccessDenied(scope, action, KeyARN(region, account, ref.ID))
		}
		return nil, errAccessDenied(scope, action, AliasARN(region, account, ref.Alias))
	}
	if err := k.refreshLocked(); err != nil {
		return nil, err
	}
	if ref.ID != "" {
		key := k.file.find(ref.ID)
		if key == nil || key.Account != account || key.Region != region {
			return nil, errKeyNotFound(KeyARN(region, account, ref.ID))
		}
		return key, nil
	}
	if key := k.file.findAlias(account, region, ref.Alias); key != nil {
		return key, nil
	}
	if region != scope.Region || !IsManagedAlias(ref.Alias) {
		return nil, errAliasNotFound(AliasARN(region, account, ref.Alias))
	}
	var made *Key
	err = k.modify(func(kf *keyFile) error {
		if key := kf.findAlias(account, region, ref.Alias); key != nil {
			made = key // another process made it meanwhile
			return nil
		}
		key, err := newKey(account, region, ManagerAWS, "Default key that protects my "+managedService(ref.Alias)+" data when no other key is defined", k.now())
		if err != nil {
			return err
		}
		key.Aliases = []string{ref.Alias}
		kf.Keys = append(kf.Keys, key)
		made = key
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k.file.find(made.ID), nil
}

func managedService(alias string) string {
	switch alias {
	case "alias/aws/firehose":
		return "Kinesis Firehose"
	case "alias/aws/kinesisvideo":
		return "Kinesis Video Streams"
	}
	return "Kinesis"
}

// newKey makes a key with fresh material.
func newKey(account, region, manager, description string, now time.Time) (*Key, error) {
	var id [16]byte
	rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	uuid := formatUUID(id)
	material := make([]byte, 32)
	rand.Read(material)
	return &Key{
		ID: uuid, ARN: KeyARN(region, account, uuid), Account: account, Region: region,
		State: StateEnabled, Manager: manager, Description: description, Created: now.UTC().Truncate(time.Second), Material: material,
	}, nil
}

func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func parseUUID(s string) ([16]byte, bool) {
	var out [16]byte
	if !uuidRE.MatchString(s) {
		return out, false
	}
	b, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36])
	if err != nil {
		return out, false
	}
	copy(out[:], b)
	return out, true
}

// Describe implements MasterKeys.
func (k *LocalKeys) Describe(_ context.Context, scope Scope, keyID string) (KeyInfo, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, err := k.resolve(scope, keyID, "DescribeKey")
	if err != nil {
		return KeyInfo{}, err
	}
	return key.Info(), nil
}

// GenerateDataKey implements MasterKeys.
func (k *LocalKeys) GenerateDataKey(_ context.Context, scope Scope, keyID string, encryptionContext map[string]string) (DataKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, err := k.resolve(scope, keyID, "GenerateDataKey")
	if err != nil {
		return DataKey{}, err
	}
	if err := key.Info().Usable(); err != nil {
		return DataKey{}, err
	}
	plain := make([]byte, 32)
	rand.Read(plain)
	wrapped, err := wrap(key, plain, encryptionContext)
	if err != nil {
		return DataKey{}, err
	}
	return DataKey{Plaintext: plain, Wrapped: wrapped, KeyARN: key.ARN}, nil
}

// Decrypt implements MasterKeys.
func (k *LocalKeys) Decrypt(_ context.Context, scope Scope, keyID string, wrapped []byte, encryptionContext map[string]string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := wrappedKeyID(wrapped)
	if !ok {
		return nil, errInvalidCiphertext()
	}
	if err := k.refreshLocked(); err != nil {
		return nil, err
	}
	key := k.file.find(id)
	if key == nil {
		// KMS cannot tell a ciphertext of a deleted key from a forged one.
		return nil, errInvalidCiphertext()
	}
	if key.Account != scope.Account {
		return nil, errAccessDenied(scope, "Decrypt", key.ARN)
	}
	if keyID != "" {
		named, err := k.resolve(scope, keyID, "Decrypt")
		if err != nil {
			return nil, err
		}
		if named.ID != key.ID {
			return nil, &Error{Code: AccessDenied, Msg: "The key ID in the request does not identify a KMS key that can perform this operation."}
		}
	}
	if err := key.Info().Usable(); err != nil {
		return nil, err
	}
	return unwrap(key, wrapped, encryptionContext)
}

// CreateKey makes a customer managed key in scope, with an alias when
// alias is not empty (alias/NAME; alias/aws/ is AWS's).
func (k *LocalKeys) CreateKey(scope Scope, alias, description string) (*Key, error) {
	if !accountRE.MatchString(scope.Account) || scope.Region == "" {
		return nil, fmt.Errorf("kms: account %q or region %q is not valid", scope.Account, scope.Region)
	}
	if alias != "" {
		if !aliasRE.MatchString(alias) {
			return nil, fmt.Errorf("kms: alias %q is not alias/NAME (letters, digits, /, _ and -)", alias)
		}
		if len(alias) > 256 || len(alias) >= len("alias/aws/") && alias[:len("alias/aws/")] == "alias/aws/" {
			return nil, fmt.Errorf("kms: alias %q: alias/aws/ is reserved for AWS managed keys", alias)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var made *Key
	err := k.modify(func(kf *keyFile) error {
		if alias != "" && kf.findAlias(scope.Account, scope.Region, alias) != nil {
			return fmt.Errorf("kms: alias %s already exists in account %s, region %s", AliasARN(scope.Region, scope.Account, alias), scope.Account, scope.Region)
		}
		key, err := newKey(scope.Account, scope.Region, ManagerCustomer, description, k.now())
		if err != nil {
			return err
		}
		if alias != "" {
			key.Aliases = []string{alias}
		}
		kf.Keys = append(kf.Keys, key)
		made = key
		return nil
	})
	if err != nil {
		return nil, err
	}
	return made, nil
}

// SetState enables or disables the key keyID names in scope (AWS managed
// keys included: an operator may need to).
func (k *LocalKeys) SetState(scope Scope, keyID string, state KeyState) (*Key, error) {
	if state != StateEnabled && state != StateDisabled {
		return nil, fmt.Errorf("kms: state %q is not Enabled or Disabled", state)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	key, err := k.resolve(scope, keyID, "DisableKey")
	if err != nil {
		return nil, err
	}
	var out *Key
	err = k.modify(func(kf *keyFile) error {
		if out = kf.find(key.ID); out == nil {
			return errKeyNotFound(key.ARN)
		}
		out.State = state
		return nil
	})
	return out, err
}

// Keys returns every key of the file, material left out.
func (k *LocalKeys) Keys() ([]Key, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.refreshLocked(); err != nil {
		return nil, err
	}
	out := make([]Key, 0, len(k.file.Keys))
	for _, key := range k.file.Keys {
		c := *key
		c.Material = nil
		c.Aliases = slices.Clone(key.Aliases)
		out = append(out, c)
	}
	return out, nil
}
