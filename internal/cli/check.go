package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/baseline"
	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/output"
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
	Framework   string
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
	_ = cmd.RegisterFlagCompletionFunc("framework", completeValues(checkFrameworks(nil)...))
}

// addRegoFlags binds what the Rego rules need: --rules directories,
// --rule-timeout and the --config file (check, scan, plan).
func addRegoFlags(cmd *cobra.Command, opts *checkOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	f.DurationVar(&opts.RuleTimeout, "rule-timeout", engine.DefaultRuleTimeout, "longest evaluation of a group of rules (every user rule is a group of its own)")
	addConfigFlag(cmd, &opts.Config)
	_ = cmd.MarkFlagDirname("rules")
}

func runCheck(ctx context.Context, app *App, opts *checkOptions) error {
	prep, err := prepareCheck(ctx, app, opts)
	if err != nil {
		return err
	}
	boundMemory(opts.Snapshot)
	// The rules are evaluated while the snapshot is validated (on the
	// other core); if validation fails, the results are discarded.
	log := app.Logger()
	start := time.Now()
	var (
		ev      *evaluation
		evalErr error
	)
	snap, err := app.loadSnapshot(ctx, opts.Snapshot, snapshot.ParseOptions{
		AfterDecode: func(doc map[string]any, typed *snapshot.Snapshot) {
			ev, evalErr = prep.evaluate(ctx, log, doc, typed)
		},
		// The rules work on a converted copy: let the generic document go
		// as soon as validation is done with it.
		DiscardDocument: true,
	})
	if err != nil {
		return err
	}
	if evalErr != nil {
		return evalErr
	}
	log.Debug("snapshot loaded and validated, rules evaluated", "findings", len(ev.res.Findings), "took", time.Since(start).Round(time.Millisecond))
	return prep.report(app, snap, ev)
}

// preparedCheck is a check whose flags, configuration and rules are
// validated, ready to run on a snapshot. The rules are compiled again for
// each snapshot, with the configuration resolved against it.
type preparedCheck struct {
	opts       *checkOptions
	minSev     engine.Severity
	failOn     engine.Severity
	failOnNone bool
	dests      []output.Destination
	filter     *ruleFilter
	base       *baseline.Baseline
	cfg        *config.File
	rules      *engine.Compiled
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
	if p.cfg, err = loadConfig(ctx, app, opts.Config); err != nil {
		return nil, usageError(err)
	}
	sources, err := ruleSources(opts.RuleDirs)
	if err != nil {
		return nil, usageError(err)
	}
	// Parse and compile once, now, so that a broken rule surfaces before
	// slow work; the configuration is bound per snapshot.
	if p.rules, err = engine.Compile(sources); err != nil {
		return nil, usageError(err)
	}
	if err := p.cfg.CheckRules(ruleIDs(p.rules.Rules())); err != nil {
		return nil, usageError(fmt.Errorf("config %s: %w", p.cfg.Path, config.WithSuggestions(err, ruleIDs(p.rules.Rules()))))
	}
	if p.filter, err = parseRuleFilter(opts.Rules, opts.SkipRules, opts.Severities, p.rules.Rules()); err != nil {
		return nil, err
	}
	if err := validateFramework(opts.Framework, p.rules.Rules()); err != nil {
		return nil, err
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
	if p.minSev, err = engine.ParseSeverity(opts.MinSeverity); err != nil {
		return nil, usageErrorf("--min-severity: %v%s", err, suggest.Hint(opts.MinSeverity, engine.SeverityNames()))
	}
	if p.failOn, p.failOnNone, err = parseFailOn(opts.FailOn); err != nil {
		return nil, usageError(err)
	}
	if opts.Baseline != "" {
		if p.base, err = baseline.Load(ctx, opts.Baseline, app.MaxInputSize); err != nil {
			return nil, usageError(err)
		}
	}
	return p, nil
}

// engine binds the compiled rules to the resolved configuration.
func (p *preparedCheck) engine(ctx context.Context, resolved *config.Resolved) (*engine.Engine, error) {
	return p.rules.Engine(ctx, engine.Options{
		Data:        map[string]any{"config": resolved.Data()},
		Disabled:    append(p.cfg.Disabled(), p.filter.disabled...),
		Severity:    p.cfg.SeverityOverrides(),
		RuleTimeout: p.opts.RuleTimeout,
	})
}

// evaluation is the outcome of the rules over one snapshot.
type evaluation struct {
	resolved *config.Resolved
	res      *engine.Result
}

// evaluate converts a decoded snapshot for the rules, resolves the
// configuration against it, builds the access graph with the configured
// environments, compiles the rules and evaluates them. It runs while the
// snapshot is validated; errors are usage errors.
func (p *preparedCheck) evaluate(ctx context.Context, log *slog.Logger, doc map[string]any, typed *snapshot.Snapshot) (*evaluation, error) {
	resolved := config.Resolve(p.cfg, typed)
	// The access graph is built while the document is converted.
	var (
		graphDoc any
		graphErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		start := time.Now()
		doc, err := accessGraphDocument(typed, resolved.Environments)
		if err == nil {
			graphDoc, err = engine.PrepareValue(doc)
		}
		graphErr = err
		log.Debug("access graph built", "took", time.Since(start).Round(time.Millisecond))
	})
	start := time.Now()
	prepared, err := engine.PrepareInput(doc)
	log.Debug("snapshot converted for the rules", "accounts", len(typed.Accounts), "took", time.Since(start).Round(time.Millisecond))
	wg.Wait()
	if err != nil {
		return nil, usageError(err)
	}
	if graphErr != nil {
		return nil, usageError(graphErr)
	}
	start = time.Now()
	eng, err := p.engine(ctx, resolved)
	if err != nil {
		return nil, usageError(err)
	}
	res, err := eng.Eval(ctx, engine.Input{Snapshot: &snapshot.Loaded{Snapshot: typed}, Prepared: prepared, Extra: map[string]any{"graph": graphDoc}})
	if err != nil {
		return nil, usageError(err)
	}
	log.Debug("rules evaluated", "rules", len(eng.Rules()), "findings", len(res.Findings), "took", time.Since(start).Round(time.Millisecond))
	return &evaluation{resolved: resolved, res: res}, nil
}

// run evaluates the rules over an already loaded snapshot, writes the
// report and returns the exit code as an error.
func (p *preparedCheck) run(ctx context.Context, app *App, snap *snapshot.Loaded) error {
	ev, err := p.evaluate(ctx, app.Logger(), snap.Doc, snap.Snapshot)
	if err != nil {
		return err
	}
	return p.report(app, snap, ev)
}

// report applies the exceptions and the minimum severity, writes the
// report and returns the exit code as an error.
func (p *preparedCheck) report(app *App, snap *snapshot.Loaded, ev *evaluation) error {
	log := app.Logger()
	for _, w := range ev.resolved.Warnings {
		log.Warn(w)
	}
	res := ev.res
	ev.resolved.Apply(res)
	res = p.filter.apply(res.AtOrAbove(p.minSev))

	start := time.Now()
	rep := output.NewCheckReport(version.String(), snap, res)
	rep.Framework, rep.Omitted, rep.Run = p.opts.Framework, p.omittedRules(res.Rules), p.runInfo()
	if p.describe != nil {
		p.describe(rep)
	}
	if p.base != nil {
		rep.Baseline = p.base.Apply(res)
	}
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

// accessGraphDocument builds the access graph rules see as input.graph,
// its environment summaries computed for the configured environments (the
// same map as data.orgaudit.config.environments).
func accessGraphDocument(s *snapshot.Snapshot, envs map[string][]string) (map[string]any, error) {
	g, err := graph.Build(s)
	if err != nil {
		return nil, err
	}
	doc, err := g.Document(envs, "configuration")
	if err != nil {
		return nil, fmt.Errorf("access graph: %w", err)
	}
	return doc, nil
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

// boundMemory tunes the garbage collector for checking the snapshot at
// path, where GOGC and GOMEMLIMIT do not say otherwise. A check keeps
// about 12 bytes live per snapshot byte (decoded, converted, evaluated),
// growing steadily: with the default GOGC the collector runs many times
// over a growing heap and lets it reach twice the live size. Instead it
// collects when the heap is five times the live size (GOGC 400), under a
// soft limit of 20 times the snapshot size, at least 1460 MiB (peak RSS
// then stays under 1.5 GiB at 1,000 accounts), which the live heap stays
// well below; near the limit the collector simply runs earlier.
func boundMemory(path string) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	limit := int64(1460) << 20
	if st, err := os.Stat(path); err == nil {
		limit = max(limit, 20*st.Size())
	}
	debug.SetMemoryLimit(limit)
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

func ruleIDs(rules []engine.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
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
