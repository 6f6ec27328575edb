//go:build !linux

package client

import (
	"os"
)

// isTerminal reports whether w (a reader or writer) is a terminal (a character device; on these
// platforms /dev/null counts too, which only costs a hidden progress line).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
