package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

func newRulesCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List and test rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("missing subcommand: %s", strings.Join(subcommandNames(cmd), ", "))
		},
	}
	cmd.AddCommand(newRulesListCmd(app), newRulesTestCmd(app), newRulesDocsCmd(app))
	return cmd
}

func subcommandNames(cmd *cobra.Command) []string {
	var out []string
	for _, c := range cmd.Commands() {
		out = append(out, c.Name())
	}
	return out
}

type rulesListOptions struct {
	out       *outputFlags
	RuleDirs  []string
	Framework string
}

func newRulesListCmd(app *App) *cobra.Command {
	opts := &rulesListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in rules (and those of --rules directories)",
		Long: `List the built-in rules and those of --rules directories: id, severity,
title, framework controls and where each comes from.

With --framework, list that framework's controls instead, each covered
(by which rules), manual (with the steps to check it by hand) or not
applicable (with the reason).

` + formatsHelp(output.Rules),
		Example: `  orgaudit rules list
  orgaudit rules list --format json
  orgaudit rules list --rules ./policies
  orgaudit rules list --framework cis-v5.0.0 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRulesList(cmd.Context(), app, opts)
		},
	}
	opts.out = addOutputFlags(cmd, output.Rules, false)
	cmd.Flags().StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	cmd.Flags().StringVar(&opts.Framework, "framework", "", "list the controls of a framework instead ("+strings.Join(compliance.IDs(), ", ")+"): covered by which rules, manual or not applicable")
	_ = cmd.RegisterFlagCompletionFunc("framework", completeValues(compliance.IDs()...))
	return cmd
}

func runRulesList(ctx context.Context, app *App, opts *rulesListOptions) error {
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	var f *compliance.Framework
	if opts.Framework != "" {
		fw, ok := compliance.Lookup(opts.Framework)
		if !ok {
			return usageError(unknownFramework(opts.Framework))
		}
		f = &fw
	}
	eng, err := newEngine(ctx, opts.RuleDirs)
	if err != nil {
		return usageError(err)
	}
	list := &output.RuleList{Rules: eng.Rules()}
	if f != nil {
		coverage := compliance.Cover(*f, engine.FrameworkMappings(list.Rules))
		list = &output.RuleList{Framework: &coverage}
	}
	return writeTo(app, output.Rules, dests, list)
}

// unknownFramework is the error for a --framework the catalogue lacks,
// with the closest id.
func unknownFramework(id string) error {
	ids := compliance.IDs()
	msg := fmt.Sprintf("unknown framework %q (valid: %s)", id, strings.Join(ids, ", "))
	if s := suggest.Closest(id, ids); s != "" {
		msg += "; did you mean " + s + "?"
	}
	return errors.New(msg)
}

type rulesTestOptions struct {
	RuleDirs []string
	Verbose  bool
}

func newRulesTestCmd(app *App) *cobra.Command {
	opts := &rulesTestOptions{}
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego tests (*_test.rego) of the built-in rules and of --rules directories",
		Long: `Run the Rego unit tests of the rules, with the same parser, built-ins and checks
as evaluation (no opa binary needed). Exit 1 when a test fails.`,
		Example: `  # Test your own rules (the built-in ones are tested too)
  orgaudit rules test --rules ./policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRulesTest(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules and their tests (repeatable)")
	cmd.Flags().BoolVar(&opts.Verbose, "list", false, "list every test, not only failures")
	return cmd
}

func runRulesTest(ctx context.Context, app *App, opts *rulesTestOptions) error {
	sources, err := ruleSources(opts.RuleDirs)
	if err != nil {
		return usageError(err)
	}
	results, err := engine.RunTests(ctx, sources)
	if err != nil {
		return usageError(err)
	}
	failed := 0
	for _, r := range results {
		status := "PASS"
		switch {
		case r.Skip:
			status = "SKIP"
		case !r.Pass:
			status = "FAIL"
			failed++
		}
		if status == "FAIL" || opts.Verbose {
			line := fmt.Sprintf("%s %s %s", status, strings.TrimPrefix(r.Package, "data."), r.Name)
			if r.Detail != "" {
				line += ": " + r.Detail
			}
			fmt.Fprintln(app.Out, line)
		}
	}
	fmt.Fprintf(app.Out, "%d tests, %d passed, %d failed\n", len(results), len(results)-failed, failed)
	if failed > 0 {
		return &ExitError{Code: ExitFindings}
	}
	return nil
}

type rulesDocsOptions struct {
	Output   string
	RuleDirs []string
}

func newRulesDocsCmd(app *App) *cobra.Command {
	opts := &rulesDocsOptions{}
	cmd := &cobra.Command{
		Use:   "docs [--output FILE]",
		Short: "Write the rules documentation (Markdown) from the rules' metadata",
		Long: `Render every rule's metadata (id, severity, title, description, remediation,
references, framework mapping, the snapshot sections it reads) as Markdown,
grouped by area. docs/rules.md is generated this way; a test fails when it is
stale.`,
		Example: `  orgaudit rules docs --output docs/rules.md
  orgaudit rules docs --rules ./policies > our-rules.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sources, err := ruleSources(opts.RuleDirs)
			if err != nil {
				return usageError(err)
			}
			rules, err := engine.LoadRules(sources)
			if err != nil {
				return usageError(err)
			}
			if opts.Output == "" || opts.Output == "-" {
				return engine.WriteRulesMarkdown(app.Out, rules)
			}
			return usageError(output.WriteFile(opts.Output, func(w io.Writer) error {
				return engine.WriteRulesMarkdown(w, rules)
			}))
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules to document too (repeatable)")
	_ = cmd.MarkFlagDirname("rules")
	return cmd
}
