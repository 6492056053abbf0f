package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
	"github.com/orgaudit/orgaudit/internal/profiles"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/version"
)

func newProfilesCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "Audit and generate named AWS CLI profiles",
		Long: `Audit the AWS shared config and credentials files (named CLI profiles), or
write the role profiles a principal can use, from a snapshot's access graph.

Secret values are never printed, logged or written; access key ids are shown
as AKIA…WXYZ at most.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newProfilesCheckCmd(app), newProfilesGenerateCmd(app))
	return cmd
}

type profilesCheckOptions struct {
	ConfigFile      string
	CredentialsFile string
	Snapshot        string
	SourceUsers     []string
	report          checkOptions
}

func newProfilesCheckCmd(app *App) *cobra.Command {
	opts := &profilesCheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [--config FILE] [--credentials FILE] [--snapshot FILE]",
		Short: "Audit the shared config and credentials files",
		Long: `Read the AWS shared config and credentials files, where the SDK finds them
(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
~/.aws/credentials) or where --config and --credentials say, and report:

  OA-PROFILE-001  a [default] profile holding long-term keys
  OA-PROFILE-002  long-term keys in a profile no profile uses as source_profile
  OA-PROFILE-003  a source_profile that does not exist or holds no credentials
  OA-PROFILE-004  a source_profile chain that forms a cycle
  OA-PROFILE-005  a credentials file readable by other users

With --snapshot, role profiles are compared with the organization:

  OA-PROFILE-006  the role does not exist
  OA-PROFILE-007  the role requires MFA and the profile has no mfa_serial
  OA-PROFILE-008  mfa_serial is not a device of the source user
  OA-PROFILE-009  the source principal cannot assume the role (access graph)

The user behind a source profile's keys is taken from --source-user, else
from the MFA device an mfa_serial names; where it stays unknown, the checks
that need it are reported as not evaluated.

Reports come in every format of check, through the same writers: --format
and --output write one report, --report FORMAT=FILE (repeatable; FORMAT
alone for stdout) several in one run, files atomically with mode 0600.
--severity, --rule, --skip-rule, --min-severity and --baseline work as for
check.

` + formatsHelp(output.Check) + `

Exit codes (as check's):
  0  no finding at or above --fail-on, every check evaluated (or --allow-gaps)
  1  findings at or above --fail-on (new ones only, with --baseline)
  2  usage or input error
  3  no finding at or above --fail-on, but some checks could not be evaluated
     (0 with --allow-gaps)`,
		Example: `  # The bundled example of every problem, as a table
  orgaudit profiles check --config fixtures/profiles/bad/config \
    --credentials fixtures/profiles/bad/credentials

  # Role profiles compared with a snapshot; SARIF and a Markdown summary
  orgaudit profiles check --config fixtures/profiles/good/config \
    --credentials fixtures/profiles/good/credentials --snapshot fixtures/startup-dev-prod.json \
    --report sarif=profiles.sarif --report markdown=profiles.md

  # Say whose keys a source profile holds
  orgaudit profiles check --config fixtures/profiles/bad/config \
    --credentials fixtures/profiles/bad/credentials --snapshot fixtures/startup-dev-prod.json \
    --source-user demo-master-cobus=arn:aws:iam::111111111111:user/cobus --format json

  # Your own files, where the AWS CLI finds them
  orgaudit profiles check --fail-on high`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProfilesCheck(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ConfigFile, "config", "c", "", "AWS shared config file (default: $AWS_CONFIG_FILE or ~/.aws/config)")
	f.StringVar(&opts.CredentialsFile, "credentials", "", "AWS shared credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot to compare role profiles with")
	f.StringArrayVar(&opts.SourceUsers, "source-user", nil, "PROFILE=USER-ARN: the IAM user whose keys a source profile holds (repeatable)")
	addFindingFlags(cmd, &opts.report, output.Check)
	addAllowGapsFlag(cmd, &opts.report)
	addBaselineFlag(cmd, &opts.report)
	_ = cmd.MarkFlagFilename("snapshot", "json")
	return cmd
}

func runProfilesCheck(ctx context.Context, app *App, opts *profilesCheckOptions) error {
	prep, err := prepareReport(ctx, app, &opts.report)
	if err != nil {
		return err
	}
	rules := profiles.Rules(true)
	filter, err := parseRuleFilter(opts.report.Rules, opts.report.SkipRules, opts.report.Severities, rules)
	if err != nil {
		return err
	}
	prep.sel.Severities = filter.severities
	users, err := parseSourceUsers(opts.SourceUsers)
	if err != nil {
		return usageError(err)
	}
	cfgPath, credPath, err := profiles.Locations(opts.ConfigFile, opts.CredentialsFile)
	if err != nil {
		return usageError(err)
	}
	files, err := profiles.Load(ctx, cfgPath, credPath, opts.ConfigFile != "", opts.CredentialsFile != "", app.MaxInputSize)
	if err != nil {
		return usageError(err)
	}
	log := app.Logger()
	for _, ig := range files.Ignored {
		log.Warn("section ignored by the AWS SDK", "section", ig)
	}
	log.Debug("profiles read", "config", cfgPath, "credentials", credPath, "profiles", len(files.Profiles))

	// The report describes the files; with --snapshot, the snapshot too.
	snap := &snapshot.Loaded{Path: cfgPath, Snapshot: &snapshot.Snapshot{Metadata: snapshot.Metadata{Scope: "profiles"}}}
	checkOpts := profiles.CheckOptions{SourceUsers: users, Disabled: filter.disabled}
	if opts.Snapshot != "" {
		if snap, checkOpts.Graph, err = pipeline.LoadGraph(ctx, opts.Snapshot, app.MaxInputSize); err != nil {
			return usageError(err)
		}
	}
	res := profiles.Check(files, checkOpts)
	prep.describe = func(rep *output.CheckReport) {
		rep.Category = "profiles"
		rep.Locate = files.Locate
		rep.Run.Inputs = []output.RunInput{{Name: "AWS config file", Path: cfgPath}, {Name: "AWS credentials file", Path: credPath}}
		rep.Run.NoSnapshot = opts.Snapshot == ""
	}
	return prep.report(app, snap, &pipeline.Evaluation{Resolved: config.Resolve(nil, snap.Snapshot), Result: res})
}

// parseSourceUsers parses PROFILE=USER-ARN pairs.
func parseSourceUsers(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		name, arn, ok := strings.Cut(p, "=")
		if !ok || name == "" || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":user/") {
			return nil, fmt.Errorf("--source-user %q: use PROFILE=arn:aws:iam::ACCOUNT:user/NAME", p)
		}
		out[name] = arn
	}
	return out, nil
}

type profilesGenerateOptions struct {
	Snapshot      string
	Principal     string
	SourceProfile string
	Prefix        string
	Region        string
	MaxHops       int
	Output        string
	Force         bool
}

func newProfilesGenerateCmd(app *App) *cobra.Command {
	opts := &profilesGenerateOptions{}
	cmd := &cobra.Command{
		Use:   "generate --snapshot FILE --principal ARN --source-profile NAME",
		Short: "Write the role profiles a principal can use",
		Long: `Write a config-file profile for every IAM role the principal can reach in the
snapshot's access graph (the same answers as orgaudit paths), named
<prefix><account-name>-<role-name>, with role_arn, source_profile (the given
source profile, or the profile of the previous role for a role reached through
another), mfa_serial where every path into the role needs MFA, and
role_session_name. The order is deterministic (by profile name).

Profiles go to stdout, or to --output (written atomically, mode 0600); an
existing file is never overwritten unless --force is given. Nothing secret is written: the source profile keeps
its credentials.`,
		Example: `  # cobus's role profiles in the bundled startup organization, appended to
  # the AWS CLI's config file
  orgaudit profiles generate --snapshot fixtures/startup-dev-prod.json \
    --principal arn:aws:iam::111111111111:user/cobus --source-profile demo-master-cobus \
    --prefix demo- --region us-west-2 >> ~/.aws/config

  # Into a file of their own, replacing it if it exists
  orgaudit profiles generate --snapshot fixtures/identity-account-ous.json \
    --principal arn:aws:iam::500000000001:user/ali --source-profile identity-ali \
    --output profiles.ini --force`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProfilesGenerate(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file (required)")
	f.StringVar(&opts.Principal, "principal", "", "ARN of the IAM user or role whose credentials the source profile holds (required)")
	f.StringVar(&opts.SourceProfile, "source-profile", "", "profile holding the principal's credentials (required)")
	f.StringVar(&opts.Prefix, "prefix", "", "prefix of every profile name, e.g. demo-")
	f.StringVar(&opts.Region, "region", "", "region written into every profile")
	f.IntVar(&opts.MaxHops, "max-hops", graph.DefaultMaxHops, "longest role chain followed")
	f.StringVarP(&opts.Output, "output", "o", "", "write the profiles to this file (mode 0600, replaced atomically) instead of stdout")
	f.BoolVar(&opts.Force, "force", false, "overwrite the --output file if it exists")
	for _, name := range []string{"snapshot", "principal", "source-profile"} {
		_ = cmd.MarkFlagRequired(name)
	}
	_ = cmd.MarkFlagFilename("snapshot", "json")
	return cmd
}

func runProfilesGenerate(ctx context.Context, app *App, opts *profilesGenerateOptions) error {
	if strings.ContainsAny(opts.SourceProfile, "[] \t\n") || strings.ContainsAny(opts.Prefix, "[] \t\n") {
		return usageErrorf("--source-profile and --prefix cannot contain spaces or brackets")
	}
	toFile := opts.Output != "" && opts.Output != "-"
	if toFile && !opts.Force {
		if _, err := os.Lstat(opts.Output); err == nil {
			return usageErrorf("%s exists: pass --force to overwrite it", opts.Output)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return usageError(err)
		}
	}
	snap, g, err := pipeline.LoadGraph(ctx, opts.Snapshot, app.MaxInputSize)
	if err != nil {
		return usageError(err)
	}
	gen, err := profiles.Generate(g, profiles.GenerateOptions{
		Principal: opts.Principal, SourceProfile: opts.SourceProfile, Prefix: opts.Prefix, Region: opts.Region, MaxHops: opts.MaxHops,
	})
	if err != nil {
		return usageError(err)
	}
	header := []string{
		fmt.Sprintf("Generated by orgaudit %s profiles generate from %s (collected %s).", version.String(), snap.Path, snap.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z")),
		fmt.Sprintf("%d %s that %s can reach; source profile %s holds its credentials.", len(gen), plural(len(gen), "role", "roles"), opts.Principal, opts.SourceProfile),
	}
	write := func(w io.Writer) error { return profiles.WriteINI(w, header, gen) }
	if !toFile {
		return write(app.Out)
	}
	if err := output.WriteFile(opts.Output, write); err != nil {
		return usageError(err)
	}
	app.Logger().Info("profiles written", "profiles", len(gen), "output", opts.Output)
	return nil
}
