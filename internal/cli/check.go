package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/baseline"
	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/report"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/version"
)

type checkOptions struct {
	Snapshot    string
	Format      string
	Output      string
	MinSeverity string
	FailOn      string
	RuleDirs    []string
	Baseline    string
	Config      string
}

func newCheckCmd(app *App) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check --snapshot FILE",
		Short: "Evaluate the rules over a snapshot and report findings",
		Long: `Evaluate every built-in rule (and the rules of each --rules directory) over a
snapshot, and report the findings as a table, JSON or SARIF.

Checks whose data is missing from the snapshot (a gap recorded at collection
time) are listed as "not evaluated": unknown is never reported as passed.

Configuration (environments, identity account, known vendors, thresholds,
disabled rules, severity overrides, exceptions) is read from --config, or
from .orgaudit.yaml in the working directory when it exists; see
docs/config.md. Findings an exception accepts are reported apart and never
fail the run; an expired exception is reported as OA-CONFIG-001.

With --baseline, findings already present in a previous JSON or SARIF report
are marked "existing" and do not fail the run; new ones are marked "new".

Exit codes:
  0  no finding at or above --fail-on, and every check was evaluated
  1  findings at or above --fail-on (new ones only, with --baseline)
  2  usage or input error (bad flag, unreadable or invalid snapshot, broken rule)
  3  no finding at or above --fail-on, but some checks could not be evaluated
     (snapshot gaps, or configuration a rule needs is missing)`,
		Example: `  # Human-readable table
  orgaudit check --snapshot fixtures/dynamo6-billing.json

  # SARIF for code scanning, failing the job on high or critical findings
  orgaudit check --snapshot snap.json --format sarif --output orgaudit.sarif --fail-on high

  # Nightly CI: fail only on findings that are not in yesterday's report
  orgaudit check --snapshot snap.json --format sarif --output today.sarif --baseline yesterday.sarif

  # Add your own rules
  orgaudit check --snapshot snap.json --rules ./policies --rules ./more-policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Snapshot, "snapshot", "s", "", "snapshot file to check (required)")
	f.StringVarP(&opts.Format, "format", "f", "table", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&opts.MinSeverity, "min-severity", "info", "report only findings at or above this severity: "+strings.Join(engine.SeverityNames(), ", "))
	f.StringVar(&opts.FailOn, "fail-on", "low", "exit 1 when a finding is at or above this severity ("+strings.Join(engine.SeverityNames(), ", ")+", or none)")
	f.StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	f.StringVar(&opts.Baseline, "baseline", "", "previous JSON or SARIF report: only findings absent from it fail the run")
	f.StringVarP(&opts.Config, "config", "c", "", "configuration file (default: "+config.DefaultFile+" in the working directory, if present)")
	_ = cmd.MarkFlagRequired("snapshot")
	_ = cmd.RegisterFlagCompletionFunc("format", completeValues(report.Formats()...))
	_ = cmd.RegisterFlagCompletionFunc("min-severity", completeValues(engine.SeverityNames()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", completeValues(append(engine.SeverityNames(), "none")...))
	_ = cmd.MarkFlagFilename("snapshot", "json")
	_ = cmd.MarkFlagFilename("baseline", "json", "sarif")
	_ = cmd.MarkFlagFilename("config", "yaml", "yml")
	_ = cmd.MarkFlagDirname("rules")
	return cmd
}

func runCheck(ctx context.Context, app *App, opts *checkOptions) error {
	if !report.ValidFormat(opts.Format) {
		return usageErrorf("unknown format %q (valid: %s)", opts.Format, strings.Join(report.Formats(), ", "))
	}
	minSev, err := engine.ParseSeverity(opts.MinSeverity)
	if err != nil {
		return usageErrorf("--min-severity: %v", err)
	}
	failOn, failOnNone, err := parseFailOn(opts.FailOn)
	if err != nil {
		return usageError(err)
	}
	var base *baseline.Baseline
	if opts.Baseline != "" {
		if base, err = baseline.Load(opts.Baseline); err != nil {
			return usageError(err)
		}
	}
	cfg, err := loadConfig(opts.Config)
	if err != nil {
		return usageError(err)
	}
	sources, err := ruleSources(opts.RuleDirs)
	if err != nil {
		return usageError(err)
	}
	known, err := engine.LoadRules(sources)
	if err != nil {
		return usageError(err)
	}
	if err := cfg.CheckRules(ruleIDs(known)); err != nil {
		return usageError(fmt.Errorf("config %s: %w", cfg.Path, err))
	}
	// The rules are evaluated while the snapshot is validated (on the
	// other core); if validation fails, the results are discarded.
	log := app.Logger()
	start := time.Now()
	var (
		resolved *config.Resolved
		res      *engine.Result
		evalErr  error
	)
	snap, err := snapshot.LoadFileWithOptions(opts.Snapshot, snapshot.ParseOptions{
		AfterDecode: func(doc map[string]any, typed *snapshot.Snapshot) {
			resolved, res, evalErr = evaluate(ctx, log, cfg, sources, doc, typed)
		},
	})
	if err != nil {
		return usageError(err)
	}
	if evalErr != nil {
		return usageError(evalErr)
	}
	for _, w := range resolved.Warnings {
		log.Warn(w)
	}
	resolved.Apply(res)
	res = res.AtOrAbove(minSev)

	log.Debug("snapshot loaded and validated, rules evaluated", "findings", len(res.Findings), "not_evaluated", len(res.NotEvaluated), "took", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	rep := report.New(version.Version, snap, res)
	rep.Color = (opts.Output == "" || opts.Output == "-") && app.colorOutput(app.Out)
	if base != nil {
		rep.Baseline = base.Apply(res)
	}
	if err := writeOutput(app.Out, opts.Output, func(w io.Writer) error {
		return report.Write(w, opts.Format, rep)
	}); err != nil {
		return err
	}
	log.Debug("report written", "format", opts.Format, "took", time.Since(start).Round(time.Millisecond))
	if opts.Output != "" && opts.Output != "-" {
		app.Logger().Info(rep.SummaryLine(), "report", opts.Output)
	}

	if !failOnNone && res.HasFindingAtOrAbove(failOn) {
		return &ExitError{Code: ExitFindings}
	}
	if len(res.NotEvaluated) > 0 {
		return &ExitError{Code: ExitIncomplete}
	}
	return nil
}

// evaluate converts a decoded snapshot for the rules, resolves the
// configuration against it, compiles the rules with it and evaluates them.
func evaluate(ctx context.Context, log *slog.Logger, cfg *config.File, sources []engine.Source, doc map[string]any, typed *snapshot.Snapshot) (*config.Resolved, *engine.Result, error) {
	start := time.Now()
	prepared, err := engine.PrepareInput(doc)
	if err != nil {
		return nil, nil, err
	}
	log.Debug("snapshot converted for the rules", "accounts", len(typed.Accounts), "took", time.Since(start).Round(time.Millisecond))
	resolved := config.Resolve(cfg, typed)
	start = time.Now()
	eng, err := engine.New(ctx, engine.Options{
		Sources:  sources,
		Data:     map[string]any{"config": resolved.Data()},
		Disabled: cfg.Disabled(),
		Severity: cfg.SeverityOverrides(),
	})
	if err != nil {
		return nil, nil, err
	}
	log.Debug("rules compiled", "rules", len(eng.Rules()), "took", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	res, err := eng.Eval(ctx, engine.Input{Snapshot: &snapshot.Loaded{Snapshot: typed}, Prepared: prepared})
	if err != nil {
		return nil, nil, err
	}
	log.Debug("rules evaluated", "findings", len(res.Findings), "took", time.Since(start).Round(time.Millisecond))
	return resolved, res, nil
}

// loadConfig reads the --config file, or .orgaudit.yaml from the working
// directory when it exists; nil means no configuration (defaults).
func loadConfig(path string) (*config.File, error) {
	if path == "" {
		if _, err := os.Stat(config.DefaultFile); err != nil {
			return nil, nil
		}
		path = config.DefaultFile
	}
	return config.Load(path)
}

func ruleIDs(rules []engine.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

func parseFailOn(s string) (engine.Severity, bool, error) {
	if strings.EqualFold(s, "none") {
		return 0, true, nil
	}
	sev, err := engine.ParseSeverity(s)
	if err != nil {
		return 0, false, fmt.Errorf("--fail-on: %w", err)
	}
	return sev, false, nil
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

// writeOutput renders to stdout, or to a file (mode 0600, replaced only
// once rendering succeeded).
func writeOutput(stdout io.Writer, path string, render func(io.Writer) error) error {
	if path == "" || path == "-" {
		return render(stdout)
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return usageError(fmt.Errorf("write report: %w", err))
	}
	return nil
}
