package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/handover"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
)

type handoverOptions struct {
	Snapshot   string
	Account    string
	out        *outputFlags
	OurDomains []string
	MaxHops    int
	MaxMemory  int64
}

func newHandoverCmd(app *App) *cobra.Command {
	opts := &handoverOptions{}
	cmd := &cobra.Command{
		Use:   "handover --snapshot FILE --account ID",
		Short: "List everything that ties an account to us before handing it to its owner",
		Long: `Before a client account is handed over, list everything that still ties it to
the organization that manages it, as a checklist:

  - every principal outside the account that can reach it, with its path
    (the path without MFA when there is one), and the IAM users that could
    once they register an MFA device;
  - roles in the account that trust other accounts or any principal;
  - IAM users and their access keys;
  - Identity Center assignments into the account;
  - its membership in the organization, and the SCPs it will lose by leaving;
  - root access keys and root MFA;
  - whether its root email is on our domain (--our-domain, default: the
    domain of the management account's email).

Data missing from the snapshot is listed as unknown and counts as left.

` + formatsHelp(output.Handover) + `

Exit codes:
  0  nothing left: the account can be handed over
  1  items left
  2  usage or input error, or the live heap passed --max-memory (default:
     GOMEMLIMIT when set, else no bound)`,
		Example: `  orgaudit handover --snapshot fixtures/consultancy-clients.json --account 200000000002
  orgaudit handover --snapshot fixtures/consultancy-clients.json --account client-acme --format markdown > handover.md
  orgaudit handover --snapshot fixtures/consultancy-clients.json --account client-globex \
    --our-domain metal-consult.example --report table --report json=handover.json
  orgaudit handover --snapshot fixtures/consultancy-clients.json --account client-acme --max-memory 2GiB`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHandover(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file (required)")
	f.StringVarP(&opts.Account, "account", "a", "", "account id or name to hand over (required)")
	opts.out = addOutputFlags(cmd, output.Handover, true)
	f.StringSliceVar(&opts.OurDomains, "our-domain", nil, "our email domains: a root email on one of them must change (default: the management account's email domain)")
	f.IntVar(&opts.MaxHops, "max-hops", graph.DefaultMaxHops, "longest path of role assumptions to follow")
	addMaxMemoryFlag(cmd, &opts.MaxMemory)
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.MarkFlagRequired("account")
	return cmd
}

func runHandover(ctx context.Context, app *App, opts *handoverOptions) error {
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	if opts.MaxHops < 1 {
		return usageErrorf("--max-hops must be at least 1")
	}
	domains := make([]string, 0, len(opts.OurDomains))
	for _, d := range opts.OurDomains {
		if d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")); d != "" {
			domains = append(domains, d)
		}
	}
	ctx, stop := pipeline.BoundMemory(ctx, opts.MaxMemory)
	defer stop()
	c, err := pipeline.Promptly(ctx, func(ctx context.Context) (*handover.Checklist, error) {
		l, g, err := pipeline.LoadGraph(ctx, opts.Snapshot, app.MaxInputSize)
		if err != nil {
			return nil, err
		}
		return handover.Build(l.Snapshot, g, opts.Account, handover.Options{OurDomains: domains, MaxHops: opts.MaxHops})
	})
	if err != nil {
		return usageError(err)
	}
	if err := writeTo(app, output.Handover, dests, c); err != nil {
		return err
	}
	if !toStdout(dests) {
		app.Logger().Info(c.Summary(), "output", strings.Join(files(dests), ","))
	}
	if c.Open > 0 {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}
