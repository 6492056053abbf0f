//go:build !linux

package mototest

import "os/exec"

func setProcAttr(*exec.Cmd) {}
