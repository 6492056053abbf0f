package mototest

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel end moto_server if the test binary dies
// without stopping it.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
