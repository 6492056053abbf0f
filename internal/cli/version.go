package cli

import (
	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/version"
)

// buildInfo is the version information of this binary.
func buildInfo() version.Info {
	info := version.Get()
	info.SnapshotSchema = snapshot.SchemaVersion
	return info
}

func newVersionCmd(app *App) *cobra.Command {
	var out *outputFlags
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the orgaudit version, commit and build date",
		Long: `Print the orgaudit version, the commit it was built from and that commit's date
(set by make build, or read from the build information Go embeds in a binary
built with go install or go build), the snapshot schema it reads, and the Go
toolchain. orgaudit --version prints the same line.

` + formatsHelp(output.Version),
		Example: `  orgaudit version
  orgaudit version --format json
  orgaudit --version`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			dests, err := out.destinations()
			if err != nil {
				return err
			}
			return writeTo(app, output.Version, dests, buildInfo())
		},
	}
	out = addOutputFlags(cmd, output.Version, false)
	return cmd
}
