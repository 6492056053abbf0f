package cli

import (
	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

type generateOptions struct {
	Accounts int
	Roles    int
	Users    int
	Seed     uint64
	Output   string
}

// newGenerateCmd is a hidden command that writes a synthetic organization
// for benchmarks (see docs/benchmarks.md).
func newGenerateCmd(app *App) *cobra.Command {
	opts := &generateOptions{}
	cmd := &cobra.Command{
		Use:    "generate --accounts N --output FILE",
		Short:  "Write a synthetic organization snapshot for benchmarks",
		Hidden: true,
		Example: `  orgaudit generate --accounts 1000 --output /tmp/org-1000.json
  /usr/bin/time -v orgaudit check --snapshot /tmp/org-1000.json --format json --output /dev/null`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if opts.Accounts < 3 {
				return usageErrorf("--accounts must be at least 3")
			}
			s := orggen.Generate(orggen.Options{Accounts: opts.Accounts, RolesPerAccount: opts.Roles, UsersPerAccount: opts.Users, Seed: opts.Seed})
			if err := snapshot.WriteFile(opts.Output, s); err != nil {
				return usageError(err)
			}
			app.Logger().Info("generated", "accounts", opts.Accounts, "output", opts.Output)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Accounts, "accounts", 100, "number of accounts")
	f.IntVar(&opts.Roles, "roles", 40, "roles per member account")
	f.IntVar(&opts.Users, "users", 2, "IAM users per member account")
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	f.StringVarP(&opts.Output, "output", "o", "", "snapshot file to write (required)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}
