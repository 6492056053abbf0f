package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// collectOptions are the flags of orgaudit collect.
type collectOptions struct {
	profile     string
	region      string
	roleName    string
	externalID  string
	accounts    []string
	regions     []string
	concurrency int
	endpointURL string
	output      string
	timeout     time.Duration
	allowGaps   bool
}

func newCollectCmd(app *App) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect --output FILE",
		Short: "Snapshot a live AWS Organization (read-only) into a JSON file",
		Long: `collect reads an AWS Organization, read-only, into one snapshot file: the OU
tree, accounts, SCPs, delegated administrators and handshakes; every
account's IAM users, groups, roles (with trust policies), policies,
credential report, password policy, MFA devices, identity providers and
server certificates; each account's security contact and enabled regions;
IAM Access Analyzer analyzers in --regions (default: the regions the
accounts have enabled); and IAM Identity Center (permission sets,
assignments, users and groups).

Credentials come from the AWS SDK's default chain: environment variables,
--profile or AWS_PROFILE (including role_arn/source_profile chains and
SSO profiles), web identity (CI OIDC), container and instance roles. Run
it in the management account: member accounts are read through
sts:AssumeRole of --role-name, the management account with the caller's
own credentials. From any other account it writes a single-account
snapshot and says why in metadata.scope_note.

Only read operations on an explicit allowlist can be called; anything else
fails inside the client before it is sent. docs/audit-role-policy.json is
the IAM policy the caller and the audit role need.

What cannot be read (an account whose role cannot be assumed, an
AccessDenied, an operation the endpoint does not implement, an answer that
stays unreadable or never comes after retries) is recorded in
metadata.gaps and collection goes on. Every call has deadlines (connect,
TLS, response headers, each attempt, the call with its retries); --timeout
bounds the whole run, after which what was not read is recorded as gaps
and the snapshot is written with what was read. When the organization
itself cannot be described, nothing is written (exit 2) unless
--allow-gaps asks for a single-account snapshot that records the gap.
The file is written atomically with mode 0600.

Exit codes:
  0    complete snapshot written
  2    usage, configuration or credential error, or the organization could
       not be described (nothing written)
  3    snapshot written with gaps
  130  interrupted (nothing written)`,
		Example: `  # the whole organization, default credentials
  orgaudit collect --output snapshot.json

  # a named profile, an audit role with an external id, 16 accounts at once
  orgaudit collect --profile mgmt --role-name OrgAuditReadOnly \
    --external-id 8f14e45f --concurrency 16 -o snapshot.json

  # two member accounts only (the organization tree is still read)
  orgaudit collect --accounts 111111111111,222222222222 -o partial.json

  # IAM Access Analyzer read in two regions only
  orgaudit collect --regions us-east-1,eu-west-1 -o snapshot.json

  # against an emulator such as moto_server
  orgaudit collect --endpoint-url http://127.0.0.1:5000 -o test.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCollect(cmd.Context(), app, o)
		},
	}
	addCollectFlags(cmd.Flags(), o)
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "snapshot file to write (required)")
	cmd.Flags().BoolVar(&o.allowGaps, "allow-gaps", false, allowGapsCollectUsage)
	return cmd
}

// addCollectFlags binds the flags that say what to collect and how (shared
// by collect and scan).
func addCollectFlags(f *pflag.FlagSet, o *collectOptions) {
	f.StringVar(&o.profile, "profile", "", "AWS shared config profile (default: the SDK's default chain, AWS_PROFILE)")
	f.StringVar(&o.region, "region", "", "region for Identity Center and STS (default: the profile's or AWS_REGION, else "+collect.DefaultRegion+")")
	f.StringVar(&o.roleName, "role-name", collect.DefaultRoleName, "role assumed in each member account")
	f.StringVar(&o.externalID, "external-id", "", "external id passed to sts:AssumeRole")
	f.StringSliceVar(&o.accounts, "accounts", nil, "comma-separated member account ids to collect (default: all; the organization tree and the management account are always read)")
	f.StringSliceVar(&o.regions, "regions", nil, "comma-separated regions to read IAM Access Analyzer in (default: every region enabled in a collected account)")
	f.IntVar(&o.concurrency, "concurrency", collect.DefaultConcurrency, fmt.Sprintf("accounts collected at once (1-%d)", collect.MaxConcurrency))
	f.StringVar(&o.endpointURL, "endpoint-url", "", "send every AWS API call to this URL (an emulator or a proxy)")
	f.DurationVar(&o.timeout, "timeout", collect.DefaultTimeout, "longest collection: then what was not read is recorded as gaps and the snapshot holds what was")
}

// allowGapsCollectUsage documents --allow-gaps for collecting.
const allowGapsCollectUsage = "when the organization cannot be described, write a single-account snapshot that records the gap (exit 3) instead of nothing (exit 2)"

func (o *collectOptions) toOptions() collect.Options {
	accounts := trimmed(o.accounts)
	return collect.Options{
		Profile:     o.profile,
		Region:      o.region,
		RoleName:    o.roleName,
		ExternalID:  o.externalID,
		Accounts:    accounts,
		Regions:     trimmed(o.regions),
		Concurrency: o.concurrency,
		EndpointURL: o.endpointURL,
		Timeout:     o.timeout,
		AllowGaps:   o.allowGaps,
	}
}

// trimmed drops blanks around and between comma-separated values.
func trimmed(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func runCollect(ctx context.Context, app *App, o *collectOptions) error {
	if o.output == "" {
		return usageErrorf("--output is required: the file to write the snapshot to")
	}
	if err := checkWritable(o.output); err != nil {
		return err
	}
	start := time.Now()
	s, err := collectSnapshot(ctx, app, o)
	if err != nil {
		return err
	}
	if err := snapshot.WriteFile(o.output, s); err != nil {
		return err
	}
	log := app.Logger()
	calls := 0
	for _, n := range s.Metadata.APICalls {
		calls += n
	}
	collected := 0
	for _, a := range s.Accounts {
		if a.IAM != nil {
			collected++
		}
	}
	log.Info("snapshot written", "path", o.output, "scope", s.Metadata.Scope, "accounts", len(s.Accounts),
		"accounts_read", collected, "gaps", len(s.Metadata.Gaps), "api_calls", calls, "duration", time.Since(start).Round(time.Millisecond).String())
	if s.Metadata.ScopeNote != "" {
		log.Info("scope", "note", s.Metadata.ScopeNote)
	}
	if n := len(s.Metadata.Gaps); n > 0 {
		return &ExitError{Code: ExitIncomplete, Err: fmt.Errorf("snapshot written to %s with %d %s: the data behind them is unknown (see metadata.gaps)", o.output, n, plural(n, "gap", "gaps"))}
	}
	return nil
}

// checkWritable fails early, before any AWS call, when path cannot be
// written.
func checkWritable(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageErrorf("cannot write %s: directory %s does not exist", path, dir)
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageErrorf("cannot write %s: it is a directory", path)
	}
	return nil
}

// collectSnapshot validates the options and reads the organization, with
// a progress bar on a terminal and log lines otherwise.
func collectSnapshot(ctx context.Context, app *App, o *collectOptions) (*snapshot.Snapshot, error) {
	if o.concurrency < 1 {
		return nil, usageErrorf("invalid --concurrency %d: use 1 to %d", o.concurrency, collect.MaxConcurrency)
	}
	if strings.TrimSpace(o.roleName) == "" {
		return nil, usageErrorf("--role-name cannot be empty")
	}
	if o.timeout <= 0 {
		return nil, usageErrorf("--timeout must be positive")
	}
	opts := o.toOptions()
	if err := opts.Validate(); err != nil {
		return nil, usageError(err)
	}

	log := app.Logger()
	var bar *progressBar
	if !app.Quiet && isTerminal(app.Err) {
		bar = &progressBar{w: app.Err}
		log = slog.New(&barHandler{inner: log.Handler(), bar: bar})
	}
	opts.Logger = log
	opts.Progress = func(p collect.Progress) {
		if bar != nil {
			bar.update(p)
			return
		}
		if p.AccountID != "" {
			log.Info("account collected", "account", p.AccountID, "done", fmt.Sprintf("%d/%d", p.Done, p.Total), "api_calls", p.APICalls, "gaps", p.Gaps)
		}
	}

	s, err := collect.Run(ctx, opts)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return nil, &ExitError{Code: ExitInterrupted, Err: errors.New("collection interrupted: no snapshot written")}
		}
		return nil, err
	}
	return s, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progressBar draws "accounts [#####.....] 12/50" on one terminal line.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	last  collect.Progress
	shown bool
}

const barWidth = 30

func (b *progressBar) update(p collect.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = p
	b.draw()
}

func (b *progressBar) draw() {
	p := b.last
	filled := 0
	if p.Total > 0 {
		filled = p.Done * barWidth / p.Total
	}
	fmt.Fprintf(b.w, "\r\033[Kaccounts [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), p.Done, p.Total)
	b.shown = true
}

// clear removes the bar so that a log line can be printed.
func (b *progressBar) clear() {
	if b.shown {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
	b.shown = false
}

// barHandler prints log records above the progress bar.
type barHandler struct {
	inner slog.Handler
	bar   *progressBar
}

func (h *barHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *barHandler) Handle(ctx context.Context, r slog.Record) error {
	h.bar.mu.Lock()
	defer h.bar.mu.Unlock()
	h.bar.clear()
	err := h.inner.Handle(ctx, r)
	if h.bar.shown {
		h.bar.draw()
	}
	return err
}

func (h *barHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &barHandler{inner: h.inner.WithAttrs(attrs), bar: h.bar}
}

func (h *barHandler) WithGroup(name string) slog.Handler {
	return &barHandler{inner: h.inner.WithGroup(name), bar: h.bar}
}
