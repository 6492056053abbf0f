package mototest

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the times in /proc/PID/stat: USER_HZ, 100 on
// every Linux architecture Go supports.
const userHZ = 100

// CPU returns the processor time, user and system, that the moto_server
// process has used so far, over all its threads. moto is one Python
// process whose interpreter runs one thread at a time, so this is how
// long moto itself has worked: a benchmark's wall time cannot be much
// below the CPU moto spent answering it.
func (s *Server) CPU() (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("moto_server processor time: %w", err)
	}
	return statCPU(stat)
}

// statCPU reads utime and stime, the 14th and 15th fields of a
// /proc/PID/stat line. The second field, the command name in
// parentheses, may hold spaces: fields are counted after its last ")".
func statCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("moto_server processor time: no command name in %q", stat)
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("moto_server processor time: %d fields after the command name, want at least 13", len(f))
	}
	var ticks int64
	for _, field := range f[11:13] { // utime, stime
		n, err := strconv.ParseInt(string(field), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("moto_server processor time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
