package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/version"
)

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the orgaudit version",
		Example: "  orgaudit version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(app.Out, "orgaudit %s (snapshot schema %s, %s %s/%s)\n",
				version.Version, snapshot.SchemaVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
