// Package cli implements the orgaudit command line. Each command is an
// options struct, a constructor that binds flags to it, and a run function
// that calls into the domain packages; no domain logic lives here.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/output"
)

// App is what every command shares: the process's streams and the global
// flags.
type App struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	Quiet     bool
	Verbose   bool
	NoColor   bool
	LogFormat string
	// MaxInputSize caps the size of every input file (--max-input-size).
	MaxInputSize int64

	logger *slog.Logger
}

// Logger returns the logger configured by the global flags. Logs go to
// stderr so that reports on stdout stay machine-readable.
func (a *App) Logger() *slog.Logger {
	if a.logger != nil {
		return a.logger
	}
	level := slog.LevelInfo
	switch {
	case a.Quiet:
		level = slog.LevelError
	case a.Verbose:
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if a.LogFormat == "json" {
		a.logger = slog.New(slog.NewJSONHandler(a.Err, opts))
	} else {
		a.logger = slog.New(newLineHandler(a.Err, level))
	}
	return a.logger
}

// Execute runs the orgaudit command line with args and returns the process
// exit code. Errors are printed as one line on stderr starting with
// "error:", never as a stack trace.
func Execute(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	app := &App{In: in, Out: out, Err: errOut, MaxInputSize: input.DefaultMaxSize}
	root := NewRootCmd(app)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := interrupted(root.ExecuteContext(ctx))
	code := exitCode(err)
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Err != nil {
			if app.LogFormat == "json" {
				app.Logger().Error(oneLine(err.Error()), "exit_code", code)
			} else {
				fmt.Fprintf(errOut, "error: %s\n", oneLine(err.Error()))
			}
		}
	}
	return code
}

// NewRootCmd builds the orgaudit command tree.
func NewRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "orgaudit",
		Short: "Audit AWS multi-account organizations as code",
		Long: `orgaudit snapshots an AWS Organization (accounts, OUs, SCPs, every account's
IAM users, groups, roles and trust policies, root credentials, Identity Center)
into one JSON graph, checks it with Rego rules, and answers "who can reach prod?".

Exit codes (all commands):
  0    success: no finding at or above --fail-on
  1    findings at or above --fail-on (handover: items left; diff: failing changes)
  2    usage or input error (bad flag, unreadable, invalid or oversized input,
       broken rule or one past --rule-timeout)
  3    incomplete: snapshot written with gaps (collect), checks not evaluated
       because of gaps (check), changes unknown because of gaps (diff)
  130  interrupted (Ctrl-C, SIGTERM): nothing written`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if _, ok := os.LookupEnv("NO_COLOR"); ok {
				app.NoColor = true
			}
			if app.LogFormat != "text" && app.LogFormat != "json" {
				return usageErrorf("invalid --log-format %q: use text or json", app.LogFormat)
			}
			if app.Quiet && app.Verbose {
				return usageErrorf("--quiet and --verbose cannot be used together")
			}
			return nil
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.Version = output.VersionLine(buildInfo())
	root.SetVersionTemplate("{{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVarP(&app.Quiet, "quiet", "q", false, "print only errors on stderr")
	pf.BoolVarP(&app.Verbose, "verbose", "v", false, "print debug logs on stderr")
	pf.BoolVar(&app.NoColor, "no-color", false, "disable colors (also set by the NO_COLOR environment variable)")
	pf.StringVar(&app.LogFormat, "log-format", "text", "log format on stderr: text or json")
	pf.Var(sizeValue{&app.MaxInputSize}, "max-input-size", maxInputSizeUsage)

	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(
		newCheckCmd(app),
		newDiffCmd(app),
		newHandoverCmd(app),
		newGenerateCmd(app),
		newRulesCmd(app),
		newVersionCmd(app),
		newCompletionCmd(app, root),
		newSimulateCmd(app),
		newCollectCmd(app),
		newScanCmd(app),
		newPathsCmd(app),
		newProfilesCmd(app),
		newPlanCmd(app),
	)
	return root
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
