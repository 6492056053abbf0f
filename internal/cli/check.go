package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/baseline"
	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/pipeline"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/suggest"
	"github.com/orgaudit/orgaudit/internal/version"
)

type checkOptions struct {
	Snapshot    string
	out         *outputFlags
	MinSeverity string
	Severities  []string
	Rules       []string
	SkipRules   []string
	FailOn      string
	AllowGaps   bool
	RuleDirs    []string
	Baseline    string
	Config      string
	RuleTimeout time.Duration
	MaxMemory   int64
	Framework   string
	WholeInput  bool
}

func newCheckCmd(app *App) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check --snapshot FILE",
		Short: "Evaluate the rules over a snapshot and report findings",
		Long: `Evaluate every built-in rule (and the rules of each --rules directory) over a
snapshot, and report the findings. --format and --output write one report;
--report FORMAT=FILE (repeatable; FORMAT alone for stdout) writes several in
one run. Files are written atomically with mode 0600.

` + formatsHelp(output.Check) + `

Checks whose data is missing from the snapshot (a gap recorded at collection
time) are listed as "not evaluated": unknown is never reported as passed.

Configuration (environments, identity account, known vendors, thresholds,
disabled rules, severity overrides, exceptions) is read from --config, or
from .orgaudit.yaml in the working directory when it exists; see
docs/config.md. Findings an exception accepts are reported apart and never
fail the run; an expired exception is reported as OA-CONFIG-001.

With --baseline, findings already present in a previous JSON or SARIF report
are marked "existing" and do not fail the run; new ones are marked "new".

--severity (a set), --rule and --skip-rule narrow what is reported, next to
--min-severity.

The compliance summary (--format compliance, and a section of the json,
markdown and html reports) lists each control of each framework the rules
map to, with the accounts that pass, fail, could not be evaluated or have
only accepted findings; manual controls are never passed. --framework ID
keeps one framework.

Exit codes:
  0    no finding at or above --fail-on, and every check was evaluated (or
       --allow-gaps)
  1    findings at or above --fail-on (new ones only, with --baseline)
  2    usage or input error (bad flag, unreadable, invalid or oversized snapshot,
       broken rule, a rule that ran past --rule-timeout)
  3    no finding at or above --fail-on, but some checks could not be evaluated
       (snapshot gaps, or configuration a rule needs is missing); --allow-gaps
       exits 0 instead, the report still lists them
  130  interrupted (Ctrl-C, SIGTERM): nothing written`,
		Example: `  # A table of a bundled fixture's findings, with its configuration
  orgaudit check --snapshot fixtures/startup-dev-prod.json --config fixtures/startup-dev-prod.orgaudit.yaml

  # SARIF for code scanning and a Markdown summary in one run, failing on
  # high or critical findings
  orgaudit check --snapshot fixtures/startup-dev-prod.json --report sarif=orgaudit.sarif \
    --report markdown=summary.md --fail-on high

  # Nightly CI: fail only on findings that are not in yesterday's report
  orgaudit check --snapshot fixtures/startup-dev-prod.json --format sarif --output today.sarif \
    --baseline orgaudit.sarif

  # Only high and critical findings of two rules; gaps do not fail the run
  orgaudit check --snapshot fixtures/identity-account-ous.json --severity high,critical \
    --rule OA-REACH-001,OA-IAM-004 --allow-gaps

  # One HTML page to read, forward and print, and the CIS v5.0.0 controls
  # on the terminal, from one evaluation
  orgaudit check --snapshot fixtures/startup-dev-prod.json --report html=report.html \
    --report compliance --framework cis-v5.0.0

  # Add your own rules
  orgaudit check --snapshot fixtures/startup-dev-prod.json --rules ./policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file to check (required)")
	addCheckFlags(cmd, opts)
	addAllowGapsFlag(cmd, opts)
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.MarkFlagFilename("snapshot", "json")
	return cmd
}

// addCheckFlags binds the flags that say which rules run and how results
// are reported (shared by check and scan; each binds its own --allow-gaps).
func addCheckFlags(cmd *cobra.Command, opts *checkOptions) {
	addFindingFlags(cmd, opts, output.Check)
	addBaselineFlag(cmd, opts)
	addRegoFlags(cmd, opts)
	addFrameworkFlag(cmd, opts)
}

// addFindingFlags binds the flags of every command that reports rule
// findings (check, scan, profiles check, plan): --format, --output and
// --report for the kind of output the command writes, which findings are
// reported (--min-severity, --severity, --rule, --skip-rule) and which
// fail the run (--fail-on).
func addFindingFlags(cmd *cobra.Command, opts *checkOptions, spec output.Spec) {
	opts.out = addOutputFlags(cmd, spec, true)
	f := cmd.Flags()
	f.StringVar(&opts.MinSeverity, "min-severity", "info", "report only findings at or above this severity: "+severityList())
	f.StringSliceVar(&opts.Severities, "severity", nil, "report only findings of these severities (comma-separated set of "+severityList()+")")
	f.StringSliceVar(&opts.Rules, "rule", nil, "evaluate only these rules (comma-separated ids, repeatable)")
	f.StringSliceVar(&opts.SkipRules, "skip-rule", nil, "do not evaluate these rules (comma-separated ids, repeatable)")
	f.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding is at or above this severity ("+severityList()+", or none)")
	_ = cmd.RegisterFlagCompletionFunc("min-severity", completeValues(engine.SeverityNames()...))
	_ = cmd.RegisterFlagCompletionFunc("severity", completeValues(engine.SeverityNames()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", completeValues(append(engine.SeverityNames(), "none")...))
}

// addAllowGapsFlag binds --allow-gaps as check, profiles check and plan
// mean it (scan binds its own).
func addAllowGapsFlag(cmd *cobra.Command, opts *checkOptions) {
	cmd.Flags().BoolVar(&opts.AllowGaps, "allow-gaps", false, "exit 0 instead of 3 when checks could not be evaluated (they are still reported)")
}

// addBaselineFlag binds --baseline (check, scan, profiles check).
func addBaselineFlag(cmd *cobra.Command, opts *checkOptions) {
	cmd.Flags().StringVar(&opts.Baseline, "baseline", "", "previous JSON or SARIF report: only findings absent from it fail the run")
	_ = cmd.MarkFlagFilename("baseline", "json", "sarif")
}

// addFrameworkFlag binds --framework (check, scan): the framework the
// compliance summary keeps.
func addFrameworkFlag(cmd *cobra.Command, opts *checkOptions) {
	cmd.Flags().StringVar(&opts.Framework, "framework", "", "limit the compliance summary (formats compliance, html, json, markdown) to one framework, e.g. cis-v5.0.0 (default: every framework the rules map to)")
	_ = cmd.RegisterFlagCompletionFunc("framework", completeValues(pipeline.Frameworks(nil)...))
}

// addRegoFlags binds what the Rego rules need: --rules directories,
// --rule-timeout and the --config file (check, scan, plan).
func addRegoFlags(cmd *cobra.Command, opts *checkOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	f.DurationVar(&opts.RuleTimeout, "rule-timeout", engine.DefaultRuleTimeout, "longest evaluation of a group of rules (every user rule is a group of its own)")
	f.BoolVar(&opts.WholeInput, "whole-input", false, "evaluate every rule over the whole snapshot at once, ignoring the rules' custom.scope (to check a rule's scope declaration; memory grows with the organization)")
	addMaxMemoryFlag(cmd, &opts.MaxMemory)
	addConfigFlag(cmd, &opts.Config)
	_ = cmd.MarkFlagDirname("rules")
}

func runCheck(ctx context.Context, app *App, opts *checkOptions) error {
	// The file is read while the rules compile; an error in the flags,
	// the configuration or the rules still comes first.
	pre := snapshot.Prefetch(ctx, opts.Snapshot, app.MaxInputSize)
	defer pre.Close()
	prep, err := prepareCheck(ctx, app, opts)
	if err != nil {
		return err
	}
	ctx, stop := pipeline.BoundCheckMemory(ctx, opts.MaxMemory, opts.Snapshot)
	defer stop()
	snap, ev, err := prep.pipe.CheckFile(ctx, pre)
	if err != nil {
		return usageError(err)
	}
	return prep.report(app, snap, ev)
}

// preparedCheck is a check whose flags, configuration and rules are
// validated, ready to run on a snapshot.
type preparedCheck struct {
	opts       *checkOptions
	failOn     engine.Severity
	failOnNone bool
	dests      []output.Destination
	sel        pipeline.Selection
	pipe       *pipeline.Pipeline
	// describe, when set, completes a report before it is written
	// (profiles check: its SARIF category and where its findings are).
	describe func(*output.CheckReport)
}

// prepareCheck validates the check flags and loads the rules and the
// baseline, so that errors surface before any slow work (collection).
func prepareCheck(ctx context.Context, app *App, opts *checkOptions) (*preparedCheck, error) {
	p, err := prepareReport(ctx, app, opts)
	if err != nil {
		return nil, err
	}
	if opts.RuleTimeout <= 0 {
		return nil, usageErrorf("--rule-timeout must be positive")
	}
	cfg, err := loadConfig(ctx, app, opts.Config)
	if err != nil {
		return nil, usageError(err)
	}
	sources, err := ruleSources(opts.RuleDirs)
	if err != nil {
		return nil, usageError(err)
	}
	// Parse and compile once, now, so that a broken rule surfaces before
	// slow work; the configuration is bound per snapshot.
	// Only SARIF reports read the snapshot file's bytes again.
	sarif := slices.ContainsFunc(p.dests, func(d output.Destination) bool { return d.Format == "sarif" })
	if p.pipe, err = pipeline.Compile(pipeline.Options{Sources: sources, Config: cfg, RuleTimeout: opts.RuleTimeout, Logger: app.Logger(), DiscardRaw: !sarif, DiscardIAM: true, WholeInput: opts.WholeInput}); err != nil {
		return nil, usageError(err)
	}
	filter, err := parseRuleFilter(opts.Rules, opts.SkipRules, opts.Severities, p.pipe.Rules())
	if err != nil {
		return nil, err
	}
	p.pipe.Disable(filter.disabled)
	p.sel.Severities = filter.severities
	if opts.Framework != "" {
		if err := p.pipe.CheckFramework(opts.Framework); err != nil {
			return nil, usageErrorf("--framework: %v", err)
		}
		p.sel.Framework = opts.Framework
	}
	return p, nil
}

// prepareReport validates the flags addFindingFlags and addBaselineFlag
// bind (the destinations against the kind they were bound for) and loads
// the baseline. The rule filter is left to the caller, which knows the
// rules: prepareCheck for the Rego rules, profiles check for its own.
func prepareReport(ctx context.Context, app *App, opts *checkOptions) (*preparedCheck, error) {
	p := &preparedCheck{opts: opts}
	var err error
	if p.dests, err = opts.out.destinations(); err != nil {
		return nil, err
	}
	if p.sel.MinSeverity, err = engine.ParseSeverity(opts.MinSeverity); err != nil {
		return nil, usageErrorf("--min-severity: %v%s", err, suggest.Hint(opts.MinSeverity, engine.SeverityNames()))
	}
	if p.failOn, p.failOnNone, err = parseFailOn(opts.FailOn); err != nil {
		return nil, usageError(err)
	}
	if opts.Baseline != "" {
		if p.sel.Baseline, err = baseline.Load(ctx, opts.Baseline, app.MaxInputSize); err != nil {
			return nil, usageError(err)
		}
	}
	return p, nil
}

// run evaluates the rules over an already loaded snapshot (its generic
// document is released as it is converted), writes the
// report and returns the exit code as an error.
func (p *preparedCheck) run(ctx context.Context, app *App, snap *snapshot.Loaded) error {
	ev, err := p.pipe.EvaluateConsuming(ctx, snap)
	if err != nil {
		return usageError(err)
	}
	return p.report(app, snap, ev)
}

// report applies the exceptions and the selection, writes the report and
// returns the exit code as an error.
func (p *preparedCheck) report(app *App, snap *snapshot.Loaded, ev *pipeline.Evaluation) error {
	log := app.Logger()
	for _, w := range ev.Resolved.Warnings {
		log.Warn(w)
	}
	out := pipeline.Finish(ev, p.sel)
	res := out.Result

	start := time.Now()
	rep := output.NewCheckReport(version.String(), snap, res)
	rep.Framework, rep.Omitted, rep.Run = p.sel.Framework, out.Omitted, p.runInfo()
	if p.describe != nil {
		p.describe(rep)
	}
	rep.Baseline = out.Baseline
	if err := writeTo(app, output.Check, p.dests, rep); err != nil {
		return err
	}
	log.Debug("report written", "reports", len(p.dests), "took", time.Since(start).Round(time.Millisecond))
	if !toStdout(p.dests) {
		log.Info(rep.SummaryLine(), "report", strings.Join(files(p.dests), ","))
	}

	if !p.failOnNone && res.HasFindingAtOrAbove(p.failOn) {
		return &ExitError{Code: ExitFindings}
	}
	if len(res.NotEvaluated) > 0 && !p.opts.AllowGaps {
		return &ExitError{Code: ExitIncomplete}
	}
	return nil
}

// runInfo says how the check ran, for report headers: what the pipeline
// evaluated with, and the flags that narrowed the report, as given.
func (p *preparedCheck) runInfo() output.RunInfo {
	var info output.RunInfo
	if p.pipe != nil {
		info = p.pipe.RunInfo()
	}
	o := p.opts
	if o.MinSeverity != "" && !strings.EqualFold(o.MinSeverity, engine.SeverityInfo.String()) {
		info.Filters = append(info.Filters, "--min-severity "+o.MinSeverity)
	}
	for _, f := range []struct {
		flag string
		vals []string
	}{{"--severity", o.Severities}, {"--rule", o.Rules}, {"--skip-rule", o.SkipRules}} {
		if len(f.vals) > 0 {
			info.Filters = append(info.Filters, fmt.Sprintf("%s %s", f.flag, strings.Join(f.vals, ",")))
		}
	}
	if o.Framework != "" {
		info.Filters = append(info.Filters, "--framework "+o.Framework)
	}
	return info
}

func parseFailOn(s string) (engine.Severity, bool, error) {
	if strings.EqualFold(s, "none") {
		return 0, true, nil
	}
	sev, err := engine.ParseSeverity(s)
	if err != nil {
		return 0, false, fmt.Errorf("--fail-on: %w%s", err, suggest.Hint(s, append(engine.SeverityNames(), "none")))
	}
	return sev, false, nil
}

// addConfigFlag binds --config, shared by every command that reads the
// configuration file.
func addConfigFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVarP(path, "config", "c", "", "configuration file (default: "+config.DefaultFile+" in the working directory, if present)")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
}

// loadConfig reads the --config file, or .orgaudit.yaml from the working
// directory when it exists; nil means no configuration (defaults). An
// unknown key gets a "did you mean".
func loadConfig(ctx context.Context, app *App, path string) (*config.File, error) {
	if path == "" {
		if _, err := os.Stat(config.DefaultFile); err != nil {
			return nil, nil
		}
		path = config.DefaultFile
	}
	f, err := config.Load(ctx, path, app.MaxInputSize)
	return f, config.WithSuggestions(err, nil)
}

// newEngine loads the built-in rules plus the rules of each directory.
func newEngine(ctx context.Context, dirs []string) (*engine.Engine, error) {
	sources, err := ruleSources(dirs)
	if err != nil {
		return nil, err
	}
	return engine.New(ctx, engine.Options{Sources: sources})
}

func ruleSources(dirs []string) ([]engine.Source, error) {
	sources := []engine.Source{engine.BuiltinSource()}
	for _, d := range dirs {
		src, err := engine.DirSource(d)
		if err != nil {
			return nil, err
		}
		sources = append(sources, src)
	}
	return sources, nil
}
