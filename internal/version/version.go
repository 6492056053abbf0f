// Package version tells which orgaudit this is: the module version, the
// commit and the build date. `make build` sets them with -ldflags
// "-X github.com/orgaudit/orgaudit/internal/version.Version=v1.2.3 -X
// ...Commit=abc123 -X ...Date=2026-11-01T06:00:00Z"; a build without
// ldflags (go install, go build) takes them from the build information Go
// embeds in the binary.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set at build time with -ldflags -X; empty means "read the build
// information".
var (
	// Version is the orgaudit version.
	Version = ""
	// Commit is the git commit the binary was built from.
	Commit = ""
	// Date is when that commit was made (RFC 3339).
	Date = ""
)

// Info describes the running binary.
type Info struct {
	// Version is the module version (v1.2.3, a pseudo-version, or "dev").
	Version string `json:"version"`
	// Commit is the git commit, "" when unknown.
	Commit string `json:"commit,omitempty"`
	// Modified is set when the work tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// Date is the commit's date (RFC 3339), "" when unknown.
	Date string `json:"date,omitempty"`
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string `json:"go_version"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
	// SnapshotSchema is the snapshot schema version the binary reads and
	// writes; the command line sets it (this package does not know it).
	SnapshotSchema string `json:"snapshot_schema,omitempty"`
}

var (
	once sync.Once
	info Info
)

// Get returns the information of the running binary.
func Get() Info {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		info = resolve(Version, Commit, Date, bi)
	})
	return info
}

// String is the version alone, as reports name their tool's version.
func String() string { return Get().Version }

// resolve combines the ldflags values with the build information: what
// ldflags set wins, the rest comes from the build information (module
// version and VCS stamps), and a version nobody knows is "dev".
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	out := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if out.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			out.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if out.Commit == "" {
					out.Commit = s.Value
				}
			case "vcs.time":
				if out.Date == "" {
					out.Date = s.Value
				}
			case "vcs.modified":
				out.Modified = commit == "" && s.Value == "true"
			}
		}
		if bi.GoVersion != "" {
			out.GoVersion = bi.GoVersion
		}
	}
	if out.Commit == "" {
		out.Commit = pseudoCommit(out.Version)
	}
	if strings.HasSuffix(out.Version, "-dirty") {
		out.Modified = true
	}
	if out.Version == "" {
		out.Version = "dev"
	}
	return out
}

// pseudoCommit returns the commit prefix of a pseudo-version
// (v0.0.0-20261101060000-abcdef123456), "" for other versions. `go
// install ...@latest` of an untagged commit carries no VCS stamps, only
// such a version.
func pseudoCommit(v string) string {
	v, _, _ = strings.Cut(v, "+")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return ""
	}
	last := parts[len(parts)-1]
	stamp := parts[len(parts)-2]
	stamp = stamp[strings.LastIndexByte(stamp, '.')+1:]
	if len(last) != 12 || len(stamp) != 14 || strings.Trim(last, "0123456789abcdef") != "" || strings.Trim(stamp, "0123456789") != "" {
		return ""
	}
	return last
}
