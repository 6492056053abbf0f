package config

import (
	"regexp"
	"strconv"
)

var thresholdCall = regexp.MustCompile(`lib\.threshold\("([a-z_]+)",\s*([0-9]+)\)`)

func strconvItoa(n int) string { return strconv.Itoa(n) }
