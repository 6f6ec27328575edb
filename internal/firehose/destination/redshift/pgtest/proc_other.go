//go:build unix && !linux

package pgtest

import (
	"os/exec"
	"syscall"
)

// setCred runs cmd as cred (when not nil).
func setCred(cmd *exec.Cmd, cred *syscall.Credential) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
}
