// Package version holds the orgaudit version, set at build time with
// -ldflags "-X github.com/orgaudit/orgaudit/internal/version.Version=v1.2.3".
package version

// Version is the orgaudit version. Builds from source without ldflags say
// "dev".
var Version = "dev"
