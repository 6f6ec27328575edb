package pgtest

import (
	"os/exec"
	"syscall"
)

// setCred runs cmd as cred (when not nil) and kills it if the test
// binary dies first.
func setCred(cmd *exec.Cmd, cred *syscall.Credential) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}
