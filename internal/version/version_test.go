package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	stamped := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/orgaudit/orgaudit", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "e2c0c55e2c0c55e2c0c55e2c0c55e2c0c55e2c0c"},
			{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261120100000-e2c0c55e2c0c"}}
	tagged := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}
	dirty := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20261120100000-e2c0c55e2c0c+dirty"}, Settings: []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name                    string
		version, commit, date   string
		bi                      *debug.BuildInfo
		wantVersion, wantCommit string
		wantDate                string
		wantModified            bool
	}{
		{"ldflags win", "v1.0.0", "abc123", "2026-01-01T00:00:00Z", stamped, "v1.0.0", "abc123", "2026-01-01T00:00:00Z", false},
		{"go build in a clone", "", "", "", stamped, "dev", "e2c0c55e2c0c55e2c0c55e2c0c55e2c0c55e2c0c", "2026-11-20T10:00:00Z", false},
		{"go install of a commit", "", "", "", installed, "v0.0.0-20261120100000-e2c0c55e2c0c", "e2c0c55e2c0c", "", false},
		{"go install of a tag", "", "", "", tagged, "v1.2.3", "", "", false},
		{"modified tree", "", "", "", dirty, "v1.2.4-0.20261120100000-e2c0c55e2c0c+dirty", "e2c0c55e2c0c", "", true},
		{"nothing known", "", "", "", nil, "dev", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.version, tt.commit, tt.date, tt.bi)
			if got.Version != tt.wantVersion || got.Commit != tt.wantCommit || got.Date != tt.wantDate || got.Modified != tt.wantModified {
				t.Errorf("got %+v, want version %q commit %q date %q modified %v", got, tt.wantVersion, tt.wantCommit, tt.wantDate, tt.wantModified)
			}
			if got.GoVersion == "" || got.Platform == "" {
				t.Errorf("go version or platform missing: %+v", got)
			}
		})
	}
}

func TestGetIsStable(t *testing.T) {
	first := Get()
	if second := Get(); first != second || String() != first.Version {
		t.Error("Get should compute the information once")
	}
}
