package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/output"
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
	out      *outputFlags
	RuleDirs []string
}

func newRulesListCmd(app *App) *cobra.Command {
	opts := &rulesListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the built-in rules (and those of --rules directories)",
		Long: `List the built-in rules and those of --rules directories: id, severity,
title, framework controls and where each comes from.

` + formatsHelp(output.Rules),
		Example: `  orgaudit rules list
  orgaudit rules list --format json
  orgaudit rules list --rules ./policies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRulesList(cmd.Context(), app, opts)
		},
	}
	opts.out = addOutputFlags(cmd, output.Rules, false)
	cmd.Flags().StringArrayVar(&opts.RuleDirs, "rules", nil, "directory of additional Rego rules (repeatable)")
	return cmd
}

func runRulesList(ctx context.Context, app *App, opts *rulesListOptions) error {
	dests, err := opts.out.destinations()
	if err != nil {
		return err
	}
	eng, err := newEngine(ctx, opts.RuleDirs)
	if err != nil {
		return usageError(err)
	}
	return writeTo(app, output.Rules, dests, eng.Rules())
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
