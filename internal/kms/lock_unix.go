//go:build unix

package kms

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on path (created 0600), which the
// server and the `sluice kms` commands hold while they rewrite the key
// file; it returns the unlock.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
