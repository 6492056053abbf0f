package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/profiles"
	"github.com/orgaudit/orgaudit/internal/report"
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

Reports come in every format of check, with the same exit codes:
  0  no finding at or above --fail-on, every check evaluated
  1  findings at or above --fail-on
  2  usage or input error
  3  no finding at or above --fail-on, but some checks could not be evaluated`,
		Example: `  orgaudit profiles check
  orgaudit profiles check --snapshot snap.json --source-user demo-master-cobus=arn:aws:iam::111111111111:user/cobus
  orgaudit profiles check --config ./aws/config --credentials ./aws/credentials --format sarif --output profiles.sarif`,
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
	addReportFlags(cmd, &opts.report)
	_ = cmd.MarkFlagFilename("snapshot", "json")
	return cmd
}

// addReportFlags binds the flags that say how findings are reported
// (format, output, minimum severity, fail-on): check's, shared by every
// command that reports findings in check's formats.
func addReportFlags(cmd *cobra.Command, opts *checkOptions) {
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&opts.MinSeverity, "min-severity", "info", "report only findings at or above this severity: "+strings.Join(engine.SeverityNames(), ", "))
	f.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding is at or above this severity ("+strings.Join(engine.SeverityNames(), ", ")+", or none)")
	_ = cmd.RegisterFlagCompletionFunc("format", completeValues(report.Formats()...))
	_ = cmd.RegisterFlagCompletionFunc("min-severity", completeValues(engine.SeverityNames()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", completeValues(append(engine.SeverityNames(), "none")...))
}

// reportOnly validates the report flags and returns a prepared check that
// only reports (no rules, configuration or baseline yet): prepareCheck
// builds on it, and profiles check reports through its report method, so
// formats and exit codes are check's.
func reportOnly(opts *checkOptions) (*preparedCheck, error) {
	if !report.ValidFormat(opts.Format) {
		return nil, usageErrorf("unknown format %q (valid: %s)", opts.Format, strings.Join(report.Formats(), ", "))
	}
	p := &preparedCheck{opts: opts}
	var err error
	if p.minSev, err = engine.ParseSeverity(opts.MinSeverity); err != nil {
		return nil, usageErrorf("--min-severity: %v", err)
	}
	if p.failOn, p.failOnNone, err = parseFailOn(opts.FailOn); err != nil {
		return nil, usageError(err)
	}
	return p, nil
}

func runProfilesCheck(_ context.Context, app *App, opts *profilesCheckOptions) error {
	prep, err := reportOnly(&opts.report)
	if err != nil {
		return err
	}
	users, err := parseSourceUsers(opts.SourceUsers)
	if err != nil {
		return usageError(err)
	}
	cfgPath, credPath, err := profiles.Locations(opts.ConfigFile, opts.CredentialsFile)
	if err != nil {
		return usageError(err)
	}
	files, err := profiles.Load(cfgPath, credPath, opts.ConfigFile != "", opts.CredentialsFile != "")
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
	checkOpts := profiles.CheckOptions{SourceUsers: users}
	if opts.Snapshot != "" {
		if snap, err = snapshot.LoadFile(opts.Snapshot); err != nil {
			return usageError(err)
		}
		if checkOpts.Graph, err = graph.Build(snap.Snapshot); err != nil {
			return usageError(err)
		}
	}
	res := profiles.Check(files, checkOpts)
	return prep.report(app, snap, &evaluation{resolved: config.Resolve(nil, snap.Snapshot), res: res})
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

Profiles go to stdout, or to --output; an existing file is never overwritten
unless --force is given. Nothing secret is written: the source profile keeps
its credentials.`,
		Example: `  orgaudit profiles generate --snapshot snap.json --principal arn:aws:iam::111111111111:user/cobus \
    --source-profile demo-master-cobus --prefix demo- --region us-west-2 >> ~/.aws/config
  orgaudit profiles generate --snapshot snap.json --principal arn:aws:iam::111111111111:user/cobus \
    --source-profile demo-master-cobus --output profiles.ini --force`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProfilesGenerate(app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file (required)")
	f.StringVar(&opts.Principal, "principal", "", "ARN of the IAM user or role whose credentials the source profile holds (required)")
	f.StringVar(&opts.SourceProfile, "source-profile", "", "profile holding the principal's credentials (required)")
	f.StringVar(&opts.Prefix, "prefix", "", "prefix of every profile name, e.g. demo-")
	f.StringVar(&opts.Region, "region", "", "region written into every profile")
	f.IntVar(&opts.MaxHops, "max-hops", graph.DefaultMaxHops, "longest role chain followed")
	f.StringVarP(&opts.Output, "output", "o", "", "write the profiles to this file instead of stdout")
	f.BoolVar(&opts.Force, "force", false, "overwrite the --output file if it exists")
	for _, name := range []string{"snapshot", "principal", "source-profile"} {
		_ = cmd.MarkFlagRequired(name)
	}
	_ = cmd.MarkFlagFilename("snapshot", "json")
	return cmd
}

func runProfilesGenerate(app *App, opts *profilesGenerateOptions) error {
	if strings.ContainsAny(opts.SourceProfile, "[] \t\n") || strings.ContainsAny(opts.Prefix, "[] \t\n") {
		return usageErrorf("--source-profile and --prefix cannot contain spaces or brackets")
	}
	if opts.Output != "" && opts.Output != "-" && !opts.Force {
		if _, err := os.Stat(opts.Output); err == nil {
			return usageErrorf("%s exists: pass --force to overwrite it", opts.Output)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return usageError(err)
		}
	}
	snap, err := snapshot.LoadFile(opts.Snapshot)
	if err != nil {
		return usageError(err)
	}
	g, err := graph.Build(snap.Snapshot)
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
		fmt.Sprintf("Generated by orgaudit %s profiles generate from %s (collected %s).", version.Version, snap.Path, snap.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05Z")),
		fmt.Sprintf("%d %s that %s can reach; source profile %s holds its credentials.", len(gen), pluralWord(len(gen), "role", "roles"), opts.Principal, opts.SourceProfile),
	}
	var buf bytes.Buffer
	if err := profiles.WriteINI(&buf, header, gen); err != nil {
		return err
	}
	if err := writeOutput(app.Out, opts.Output, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	if opts.Output != "" && opts.Output != "-" {
		app.Logger().Info("profiles written", "profiles", len(gen), "output", opts.Output)
	}
	return nil
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
