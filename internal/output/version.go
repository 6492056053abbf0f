package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/version"
)

// VersionLine is the one line `orgaudit --version` and `orgaudit version`
// print: "orgaudit v1.2.3 (commit abc123, 2026-11-01T06:00:00Z; snapshot
// schema 1; go1.26.8 linux/amd64)".
func VersionLine(v version.Info) string {
	var build []string
	if v.Commit != "" {
		c := "commit " + v.Commit
		if v.Modified {
			c += " (modified)"
		}
		build = append(build, c)
	}
	if v.Date != "" {
		build = append(build, v.Date)
	}
	parts := []string{}
	if len(build) > 0 {
		parts = append(parts, strings.Join(build, ", "))
	}
	if v.SnapshotSchema != "" {
		parts = append(parts, "snapshot schema "+v.SnapshotSchema)
	}
	parts = append(parts, v.GoVersion+" "+v.Platform)
	return fmt.Sprintf("orgaudit %s (%s)", v.Version, strings.Join(parts, "; "))
}

func writeVersionTable(w io.Writer, v version.Info, _ Options) error {
	_, err := fmt.Fprintln(w, VersionLine(v))
	return err
}
