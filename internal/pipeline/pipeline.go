// Package pipeline is orgaudit's evaluation pipeline: a snapshot is loaded
// and validated, the configuration is resolved against it, the access
// graph and the engine's facts are built, the rules are evaluated, and the
// configuration's exceptions, the selection of findings and the baseline
// are applied. `check`, `scan`, `plan` and `profiles check` call it, and
// `diff` and `plan` take the doors into production from it: the commands
// bind flags, call the pipeline and write what it returns.
//
// The API is small: Compile binds rule sources to a configuration once;
// Pipeline.CheckFile loads and evaluates a snapshot file (overlapping the
// work, see docs/benchmarks.md), Pipeline.Evaluate an already loaded one;
// Finish applies exceptions, selection and baseline to any result (the
// Rego rules' or the profile checks') and says which rules the selection
// omits; Pipeline.RunInfo and Pipeline.CheckFramework give report headers
// and the compliance summary what they need.
package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/orgaudit/orgaudit/internal/baseline"
	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Options configure a Pipeline.
type Options struct {
	// Sources are the rule sources (engine.BuiltinSource and user
	// directories).
	Sources []engine.Source
	// Config is the configuration file; nil means the defaults.
	Config *config.File
	// Disabled are rule ids loaded but not evaluated, besides the ones the
	// configuration disables (--rule, --skip-rule).
	Disabled []string
	// RuleTimeout bounds the evaluation of each group of rules; zero means
	// engine.DefaultRuleTimeout.
	RuleTimeout time.Duration
	// Logger receives debug timings; nil discards them.
	Logger *slog.Logger
	// DiscardRaw lets CheckFile drop the snapshot file's bytes once
	// decoded, for reports that never read them (only SARIF does).
	DiscardRaw bool
	// DiscardIAM lets CheckFile release the typed model's IAM data
	// (every Account.IAM of the snapshot it returns is nil) once the
	// access graph is built: the rules read the accounts from the file,
	// and check's reports read no IAM data.
	DiscardIAM bool
	// WholeInput evaluates every rule over the whole input converted at
	// once, whatever its custom.scope (--whole-input): how a rule author
	// checks a scope declaration; memory grows with the organization.
	WholeInput bool
}

// Pipeline is a set of rules compiled once and a configuration, ready to
// check snapshots. The configuration is resolved against each snapshot.
type Pipeline struct {
	opts  Options
	rules *engine.Compiled
	log   *slog.Logger
	// allEnvironments summarises every environment in input.graph even
	// when only built-in rules run; unstaged evaluates every rule once the
	// graph is built (tests: the slow ways).
	allEnvironments, unstaged bool
	// chunk is the number of accounts rules of scope "account" see at a
	// time (0: the engine's choice).
	chunk int
}

// Compile parses and compiles the rules of opts.Sources and checks that
// the configuration names only rules that exist (with a "did you mean").
// Errors are the user's: a broken rule, a misnamed rule id.
func Compile(opts Options) (*Pipeline, error) {
	rules, err := engine.Compile(opts.Sources)
	if err != nil {
		return nil, err
	}
	ids := RuleIDs(rules.Rules())
	if err := opts.Config.CheckRules(ids); err != nil {
		return nil, fmt.Errorf("config %s: %w", opts.Config.Path, config.WithSuggestions(err, ids))
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{opts: opts, rules: rules, log: log}, nil
}

// Rules returns the metadata of every compiled rule, sorted by id.
func (p *Pipeline) Rules() []engine.Rule { return p.rules.Rules() }

// Config is the configuration the pipeline was compiled with (nil for the
// defaults).
func (p *Pipeline) Config() *config.File { return p.opts.Config }

// Disable leaves more rules out of the evaluation (rule ids, validated by
// the caller against Rules).
func (p *Pipeline) Disable(ids []string) { p.opts.Disabled = append(p.opts.Disabled, ids...) }

// Evaluation is the outcome of the rules over one snapshot, before the
// exceptions and the selection are applied.
type Evaluation struct {
	// Resolved is the configuration resolved against the snapshot.
	Resolved *config.Resolved
	// Result holds every finding and every check not evaluated.
	Result *engine.Result
}

// CheckFile loads the snapshot file whose reading snapshot.Prefetch
// started (the caller compiles the rules meanwhile) and evaluates the
// rules over it.
func (p *Pipeline) CheckFile(ctx context.Context, pre *snapshot.Prefetched) (*snapshot.Loaded, *Evaluation, error) {
	start := time.Now()
	// The loader keeps each account's JSON, not the generic document:
	// the rules see the accounts a chunk at a time, decoded again, and
	// the organization-wide facts come from summaries of each account's
	// JSON (engine.Summarizer), made as the loader validates the account,
	// while its JSON is in memory: the accounts are read again only for
	// the rules.
	popts := snapshot.ParseOptions{DiscardRaw: p.opts.DiscardRaw, KeepAccounts: !p.opts.WholeInput}
	var sums *engine.Summarizer
	if popts.KeepAccounts {
		sums = engine.NewSummarizer(ctx)
		popts.Account = sums.Add
	}
	snap, err := pre.Load(ctx, popts)
	if err != nil {
		return nil, nil, memoryError(ctx, err)
	}
	var doc *engine.Document
	if snap.Rest != nil {
		doc = accountsDocument(snap)
		doc.Summaries = sums.Summaries(doc.Accounts)
	}
	p.log.Debug("snapshot loaded and validated", "accounts", len(snap.Snapshot.Accounts), "took", time.Since(start).Round(time.Millisecond))
	var ev *Evaluation
	if doc != nil {
		ev, err = p.evaluate(ctx, nil, doc, snap.Snapshot, false, p.opts.DiscardIAM)
		err = memoryError(ctx, err)
	} else {
		// The rules work on a converted copy: the generic document goes
		// as soon as it is converted.
		ev, err = p.EvaluateConsuming(ctx, snap)
	}
	if err != nil {
		return nil, nil, err
	}
	p.log.Debug("snapshot loaded, rules evaluated", "findings", len(ev.Result.Findings), "took", time.Since(start).Round(time.Millisecond))
	return snap, ev, nil
}

// Evaluate evaluates the rules over an already loaded snapshot (its
// generic document included), which it leaves as it is.
func (p *Pipeline) Evaluate(ctx context.Context, snap *snapshot.Loaded) (*Evaluation, error) {
	if snap.Doc == nil && snap.Rest != nil {
		ev, err := p.evaluate(ctx, nil, accountsDocument(snap), snap.Snapshot, false, false)
		return ev, memoryError(ctx, err)
	}
	ev, err := p.evaluate(ctx, snap.Doc, nil, snap.Snapshot, false, false)
	return ev, memoryError(ctx, err)
}

// accountsDocument is the engine's Document of a snapshot loaded with
// KeepAccounts: each account decoded again when the rules need it.
func accountsDocument(snap *snapshot.Loaded) *engine.Document {
	// The chunks decode each account's JSON straight for the rules.
	return &engine.Document{Rest: snap.Rest, Accounts: snap.Accounts(), AccountJSON: snap.AccountJSON, ReadAccountJSON: snap.ReadAccountJSON}
}

// EvaluateConsuming is Evaluate for a caller that has no further use for
// the generic document: it is converted part by part, each part released
// once converted, and snap.Doc is left nil.
func (p *Pipeline) EvaluateConsuming(ctx context.Context, snap *snapshot.Loaded) (*Evaluation, error) {
	if snap.Doc == nil && snap.Rest != nil {
		return p.Evaluate(ctx, snap)
	}
	doc := snap.Doc
	snap.Doc = nil
	ev, err := p.evaluate(ctx, doc, nil, snap.Snapshot, true, false)
	return ev, memoryError(ctx, err)
}

// engine binds the compiled rules to the resolved configuration.
func (p *Pipeline) engine(ctx context.Context, resolved *config.Resolved) (*engine.Engine, error) {
	return p.rules.Engine(ctx, engine.Options{
		Data:        map[string]any{"config": resolved.Data()},
		Disabled:    append(p.opts.Config.Disabled(), p.opts.Disabled...),
		Severity:    p.opts.Config.SeverityOverrides(),
		RuleTimeout: p.opts.RuleTimeout,
		Late:        []string{GraphKey},
		ChunkSize:   p.chunk,
	})
}

// GraphKey is the input key of the access graph document (input.graph).
const GraphKey = "graph"

// evaluate converts a decoded snapshot for the rules, resolves the
// configuration against it, builds the access graph with the configured
// environments, binds the rules and evaluates them. With consume, doc is
// emptied as it is converted (the caller has no further use for it); with
// discardIAM, typed's IAM data is released once the graph is built
// (CheckFile with Options.DiscardIAM).
func (p *Pipeline) evaluate(ctx context.Context, doc map[string]any, edoc *engine.Document, typed *snapshot.Snapshot, consume, discardIAM bool) (*Evaluation, error) {
	log := p.log
	resolved := config.Resolve(p.opts.Config, typed)
	eng, err := p.engine(ctx, resolved)
	if err != nil {
		return nil, err
	}
	// The access graph is built while the rules that do not read it are
	// evaluated; its document holds only what the rules may read of it.
	want, _ := eng.KeysRead(GraphKey)
	if p.opts.WholeInput {
		want = nil
	}
	var (
		graphDoc any
		graphErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		start := time.Now()
		g, err := graph.Build(typed)
		if err != nil {
			graphErr = err
			return
		}
		built := time.Since(start)
		doc, err := g.RulesDocument(p.graphEnvironments(resolved.Environments), "configuration", want)
		if err != nil {
			graphErr = fmt.Errorf("access graph: %w", err)
			return
		}
		documented := time.Since(start) - built
		if discardIAM {
			for i := range typed.Accounts {
				typed.Accounts[i].IAM = nil
			}
		}
		graphDoc, graphErr = engine.PrepareObjectConsuming(doc)
		log.Debug("access graph built", "build", built.Round(time.Millisecond), "document", documented.Round(time.Millisecond),
			"convert", (time.Since(start) - built - documented).Round(time.Millisecond), "took", time.Since(start).Round(time.Millisecond))
	})
	in := engine.Input{Snapshot: &snapshot.Loaded{Snapshot: typed}}
	start := time.Now()
	if p.opts.WholeInput {
		prepare := engine.PrepareInput
		if consume {
			prepare = engine.PrepareInputConsuming
		}
		prepared, err := prepare(doc)
		log.Debug("snapshot converted for the rules", "accounts", len(typed.Accounts), "took", time.Since(start).Round(time.Millisecond))
		if err != nil {
			wg.Wait()
			return nil, err
		}
		in.Prepared = prepared
	} else {
		if edoc == nil {
			edoc = engine.DocumentOf(doc)
		}
		in.Document = edoc
	}
	// The rules that cannot read input.graph are evaluated while the
	// graph is still being built; the others once it is there.
	start = time.Now()
	var graphInput any = engine.Deferred(func() (any, error) {
		wg.Wait()
		return graphDoc, graphErr
	})
	if p.unstaged {
		wg.Wait()
		if graphErr != nil {
			return nil, graphErr
		}
		graphInput = graphDoc
	}
	in.Extra = map[string]any{GraphKey: graphInput}
	res, err := eng.Eval(ctx, in)
	wg.Wait()
	if graphErr != nil {
		return nil, graphErr
	}
	if err != nil {
		return nil, err
	}
	log.Debug("rules evaluated", "rules", len(eng.Rules()), "findings", len(res.Findings), "took", time.Since(start).Round(time.Millisecond))
	return &Evaluation{Resolved: resolved, Result: res}, nil
}

// BuiltinGraphEnvironments are the environments whose reachability
// summary (input.graph.environments) the built-in rules read
// (TestBuiltinGraphEnvironments keeps the list true).
var BuiltinGraphEnvironments = []string{"production"}

// graphEnvironments returns the environments input.graph summarises: every
// configured one when a user rule may read them, only those the built-in
// rules read otherwise (each summary is a reverse search of the whole
// graph: seconds per environment at 10,000 accounts).
func (p *Pipeline) graphEnvironments(envs map[string][]string) map[string][]string {
	if p.allEnvironments {
		return envs
	}
	for _, r := range p.rules.Rules() {
		if r.Source != engine.BuiltinSource().Name {
			return envs
		}
	}
	out := make(map[string][]string, len(BuiltinGraphEnvironments))
	for _, name := range BuiltinGraphEnvironments {
		if ids, ok := envs[name]; ok {
			out[name] = ids
		}
	}
	return out
}

// AccessGraphDocument builds the access graph rules see as input.graph,
// its environment summaries computed for the configured environments (the
// same map as data.orgaudit.config.environments).
func AccessGraphDocument(s *snapshot.Snapshot, envs map[string][]string) (map[string]any, error) {
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

// Selection says which findings are reported and against what.
type Selection struct {
	// MinSeverity drops findings below it.
	MinSeverity engine.Severity
	// Severities, when not nil, keeps only findings of these severities
	// (and checks not evaluated of rules of these severities).
	Severities map[engine.Severity]bool
	// Baseline, when set, marks findings new or existing.
	Baseline *baseline.Baseline
	// Framework, when set, is the one framework the compliance summary
	// keeps (Pipeline.CheckFramework validates it).
	Framework string
}

// Outcome is what a command reports.
type Outcome struct {
	// Result is the selected findings, exceptions applied.
	Result *engine.Result
	// Baseline is the comparison with the baseline, when one was given.
	Baseline *output.BaselineInfo
	// Omitted are the ids of rules that ran but whose findings the
	// selection leaves out: the compliance summary must not count them
	// as deciding a control.
	Omitted []string
}

// Finish applies the resolved configuration's exceptions to an
// evaluation's findings, then the selection and the baseline.
func Finish(ev *Evaluation, sel Selection) *Outcome {
	res := ev.Result
	engine.ApplyExceptions(res, Exceptions(ev.Resolved))
	res = sel.apply(res.AtOrAbove(sel.MinSeverity))
	out := &Outcome{Result: res, Omitted: sel.omitted(res.Rules)}
	if sel.Baseline != nil {
		out.Baseline = sel.Baseline.Apply(res)
	}
	return out
}

// Exceptions are the resolved configuration's exceptions as the engine
// applies them.
func Exceptions(r *config.Resolved) []engine.Exception {
	out := make([]engine.Exception, 0, len(r.Exceptions))
	for _, e := range r.Exceptions {
		out = append(out, engine.Exception{
			Rule:     e.Rule,
			Resource: e.Resource,
			Reason:   e.Reason,
			Owner:    e.Owner,
			Expires:  e.Expires,
			Expired:  e.Expired,
			Source:   r.Source(e.Exception),
		})
	}
	return out
}

// apply keeps the findings whose severity is in the Severities set, and
// the checks not evaluated of rules of such a severity.
func (s Selection) apply(res *engine.Result) *engine.Result {
	if s.Severities == nil {
		return res
	}
	sev := map[string]engine.Severity{}
	for _, r := range res.Rules {
		sev[r.ID] = r.Severity
	}
	out := &engine.Result{Rules: res.Rules, Findings: []engine.Finding{}, NotEvaluated: []engine.NotEvaluated{}}
	for _, fd := range res.Findings {
		if s.Severities[fd.Severity] {
			out.Findings = append(out.Findings, fd)
		}
	}
	for _, n := range res.NotEvaluated {
		if s.Severities[sev[n.RuleID]] {
			out.NotEvaluated = append(out.NotEvaluated, n)
		}
	}
	return out
}

// RuleIDs lists the ids of rules.
func RuleIDs(rules []engine.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}
