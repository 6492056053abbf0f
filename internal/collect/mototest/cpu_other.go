//go:build !linux

package mototest

import (
	"errors"
	"time"
)

// CPU returns the processor time the moto_server process has used so far;
// it is read from /proc, on Linux only.
func (s *Server) CPU() (time.Duration, error) {
	return 0, errors.New("moto_server processor time: only read on Linux")
}
