// Package collect reads a live AWS Organization, read-only, into a
// snapshot.Snapshot: the organization tree with SCPs, every account's IAM
// configuration (through an audit role assumed in each member account),
// and IAM Identity Center.
//
// Read-only is enforced by construction: every AWS client the collector
// builds carries a middleware that rejects any operation outside an
// explicit allowlist before the request is serialized or sent (see
// AllowedActions and AuditRolePolicy). What cannot be read becomes a gap in
// metadata.gaps and collection goes on.
package collect

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/internal/version"
)

// DefaultRoleName is the audit role assumed in member accounts unless
// Options.RoleName says otherwise.
const DefaultRoleName = "OrganizationAccountAccessRole"

// DefaultConcurrency is how many accounts are collected at once.
const DefaultConcurrency = 8

// MaxConcurrency bounds Options.Concurrency.
const MaxConcurrency = 64

// DefaultCredentialReportWait bounds the wait for an account's IAM
// credential report to be generated.
const DefaultCredentialReportWait = 2 * time.Minute

// DefaultTimeout bounds a whole run unless Options.Timeout says otherwise.
const DefaultTimeout = 30 * time.Minute

// Options configures a collection run. The zero value plus nothing else
// collects the organization of the default AWS credentials.
type Options struct {
	// Profile is the shared config profile; empty means the SDK's default
	// chain (AWS_PROFILE, environment credentials, default profile, ...).
	Profile string
	// Region for regional APIs (Identity Center, STS); empty means the AWS
	// configuration's region, else DefaultRegion.
	Region string
	// RoleName is the role assumed in every member account; empty means
	// DefaultRoleName. The management account is read with the caller's
	// own credentials.
	RoleName string
	// ExternalID is passed to sts:AssumeRole when not empty.
	ExternalID string
	// Accounts, when not empty, limits the member accounts whose IAM is
	// collected (12-digit ids). The organization tree, every account's
	// place in it, and the management account are still read.
	Accounts []string
	// Concurrency is how many accounts are collected at once; zero means
	// DefaultConcurrency.
	Concurrency int
	// Regions are the regions regional data (IAM Access Analyzer) is read
	// in; empty means every region enabled in a collected account.
	Regions []string
	// EndpointURL sends every AWS API call to this endpoint (an emulator,
	// a VPC endpoint, a proxy) instead of the default one.
	EndpointURL string

	// Logger receives progress and gap logs; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called once when the account list is known
	// (Done 0) and once after each account. Calls are serialized.
	Progress func(Progress)

	// ToolVersion is recorded in metadata.tool_version; empty means the
	// build's version.
	ToolVersion string
	// CredentialReportWait bounds the wait for each account's credential
	// report; zero means DefaultCredentialReportWait.
	CredentialReportWait time.Duration
	// MaxAttempts is the number of attempts per API call; zero means the
	// AWS configuration's max_attempts, else DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff caps the delay between retries; zero means the SDK's
	// default (20s). Tests use a small value.
	MaxBackoff time.Duration
	// Timeouts bound every API call; zero fields mean DefaultTimeouts.
	Timeouts Timeouts
	// Timeout bounds the whole run; zero means DefaultTimeout. When it
	// runs out, the calls under way fail, what was not read becomes gaps
	// (error code Timeout) and Run returns the snapshot it has.
	Timeout time.Duration
	// AllowGaps lets a run whose organization cannot be described (a
	// failed or denied organizations:DescribeOrganization) go on as a
	// single-account snapshot with that gap. Without it, Run fails with an
	// *OrganizationError rather than pass a single account off as the
	// organization.
	AllowGaps bool
}

// OrganizationError says the organization could not be described, so the
// run cannot tell whether the caller is in an organization.
type OrganizationError struct {
	// Gap is what DescribeOrganization answered.
	Gap snapshot.Gap
}

func (e *OrganizationError) Error() string {
	return fmt.Sprintf("the organization could not be described (%s: %s: %s); nothing written: "+
		"grant organizations:DescribeOrganization (see docs/audit-role-policy.json), or rerun with --allow-gaps for a single-account snapshot that records the gap",
		e.Gap.Operation, e.Gap.ErrorCode, e.Gap.Message)
}

// OrganizationGap returns the gap of a snapshot whose organization could
// not be described (Options.AllowGaps): it holds the caller's account
// alone, and whether that account stands for a whole organization is
// unknown.
func OrganizationGap(s *snapshot.Snapshot) (snapshot.Gap, bool) {
	for _, g := range s.Metadata.Gaps {
		if g.Section == snapshot.SectionOrganization && g.Operation == describeOrganization {
			return g, true
		}
	}
	return snapshot.Gap{}, false
}

// Progress reports how far a collection run is.
type Progress struct {
	// AccountID is the account just finished; empty for the first call.
	AccountID string
	// Done and Total count accounts whose IAM is collected.
	Done, Total int
	// APICalls and Gaps are those of the finished account.
	APICalls, Gaps int
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// Validate checks the options a user can get wrong.
func (o Options) Validate() error {
	if o.Concurrency < 0 || o.Concurrency > MaxConcurrency {
		return fmt.Errorf("concurrency %d out of range: use 1 to %d", o.Concurrency, MaxConcurrency)
	}
	for _, id := range o.Accounts {
		if !accountIDPattern.MatchString(id) {
			return fmt.Errorf("invalid account id %q: use 12 digits", id)
		}
	}
	if err := validateRegions(o.Regions); err != nil {
		return err
	}
	if strings.ContainsAny(o.RoleName, " :*") {
		return fmt.Errorf("invalid role name %q", o.RoleName)
	}
	if o.EndpointURL != "" && !strings.HasPrefix(o.EndpointURL, "http://") && !strings.HasPrefix(o.EndpointURL, "https://") {
		return fmt.Errorf("invalid endpoint url %q: use http:// or https://", o.EndpointURL)
	}
	if o.Timeout < 0 {
		return fmt.Errorf("timeout %s: must be positive", o.Timeout)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.RoleName == "" {
		o.RoleName = DefaultRoleName
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.ToolVersion == "" {
		o.ToolVersion = version.Version
	}
	if o.CredentialReportWait == 0 {
		o.CredentialReportWait = DefaultCredentialReportWait
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// collector holds one run's state.
type collector struct {
	// parent is the caller's context: when it is done (Ctrl-C), the run
	// fails as a whole. The run's own context also ends at opts.Timeout,
	// after which what is not read becomes gaps.
	parent  context.Context
	opts    Options
	log     *slog.Logger
	cfg     aws.Config
	calls   *callCounter
	gaps    gapSet
	sts     *sts.Client
	caller  snapshot.Caller
	part    string
	started time.Time

	// awsRefs counts attachments of AWS managed policies over all
	// collected accounts and Identity Center.
	refsMu  sync.Mutex
	awsRefs map[string]int

	// assumed caches the clients of member accounts (the Identity Center
	// delegated administrator reuses its account's session).
	assumedMu sync.Mutex
	assumed   map[string]*accountClients

	acctAccess accountAccess
}

// accountClients are the clients of one account.
type accountClients struct {
	id  string
	cfg aws.Config
	iam *iam.Client
	err error // why the account could not be reached

	once sync.Once
}

// Run collects a snapshot. It returns an error only when nothing useful
// can be collected (no credentials, sts:GetCallerIdentity fails), when the
// organization cannot be described (*OrganizationError, unless
// opts.AllowGaps), or when ctx is canceled; everything else that cannot be
// read, including what opts.Timeout left unread, is a gap in metadata.gaps
// of the returned snapshot. Run writes nothing.
func Run(ctx context.Context, opts Options) (*snapshot.Snapshot, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	c := &collector{
		parent:  ctx,
		opts:    opts,
		log:     opts.Logger,
		calls:   newCallCounter(),
		started: time.Now().UTC().Truncate(time.Second),
		awsRefs: map[string]int{},
		assumed: map[string]*accountClients{},
	}
	cfg, err := newAWSConfig(ctx, opts, c.calls)
	if err != nil {
		return nil, err
	}
	if cfg.Credentials != nil {
		cfg.Credentials = rememberingProvider{cfg.Credentials}
	}
	c.cfg = cfg
	c.sts = sts.NewFromConfig(cfg)
	runCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	s, err := c.run(withBucket(runCtx, BucketOrganization))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("collection interrupted: %w", ctxErr)
		}
		return nil, redactErr(err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("collection interrupted: %w", ctxErr)
	}
	return s, nil
}

func (c *collector) run(ctx context.Context) (*snapshot.Snapshot, error) {
	id, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("get caller identity (are AWS credentials configured?): %w", err)
	}
	c.caller = snapshot.Caller{
		AccountID: aws.ToString(id.Account),
		ARN:       aws.ToString(id.Arn),
		UserID:    aws.ToString(id.UserId),
	}
	if redact(c.caller.UserID) != c.caller.UserID {
		// AWS never answers an access key id here, but emulators do
		// (moto: AKIAIOSFODNN7EXAMPLE); no key id goes into a snapshot.
		c.caller.UserID = ""
	}
	c.part = partitionOf(c.caller.ARN)
	c.log.Info("collecting", "caller", c.caller.ARN, "account", c.caller.AccountID, "region", c.cfg.Region)

	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Metadata: snapshot.Metadata{
			CollectedAt: c.started,
			ToolVersion: c.opts.ToolVersion,
			Partition:   c.part,
			Region:      c.cfg.Region,
			Caller:      c.caller,
		},
		Accounts:    []snapshot.Account{},
		AWSPolicies: []snapshot.Policy{},
	}

	or, err := c.collectOrganization(ctx)
	if err != nil {
		return nil, err
	}
	org, accounts, note := or.org, or.accounts, or.note
	if org == nil {
		s.Metadata.Scope = snapshot.ScopeAccount
	} else {
		s.Metadata.Scope = snapshot.ScopeOrganization
	}
	s.Organization = org

	// Which accounts get their IAM read.
	mgmtID := c.caller.AccountID
	if org != nil {
		mgmtID = org.ManagementAccountID
	}
	selected := map[string]bool{}
	for _, id := range c.opts.Accounts {
		selected[id] = true
	}
	var work []*snapshot.Account
	known := map[string]bool{}
	for i := range accounts {
		a := &accounts[i]
		known[a.ID] = true
		if len(selected) > 0 && !selected[a.ID] && a.ID != mgmtID {
			continue
		}
		work = append(work, a)
	}
	for _, id := range c.opts.Accounts {
		if !known[id] {
			c.log.Warn("account named in --accounts is not in the collected scope; skipped", "account", id)
		}
	}
	if len(selected) > 0 && org != nil {
		note = joinNotes(note, fmt.Sprintf("IAM collected for %d of %d accounts (--accounts); the others have iam null", len(work), len(accounts)))
	}
	s.Metadata.ScopeNote = note

	// Identity Center runs beside the accounts: it only needs the
	// management account's credentials (or, when those cannot read it,
	// the delegated administrator's, known once the organization's
	// details are read).
	workIDs := make([]string, 0, len(work))
	for _, a := range work {
		workIDs = append(workIDs, a.ID)
	}
	delegated := func() []snapshot.DelegatedAdministrator {
		or.details()
		if org == nil {
			return nil
		}
		return org.DelegatedAdmins
	}
	icDone := make(chan *snapshot.IdentityCenter, 1)
	go func() {
		icDone <- c.collectIdentityCenter(ctx, delegated, workIDs)
	}()

	c.collectAccounts(ctx, work, mgmtID)
	s.Identity = <-icDone
	c.cutShort(ctx, snapshot.SectionIdentityCenter)
	or.details()
	if err := c.parent.Err(); err != nil {
		return nil, err
	}

	s.AWSPolicies = c.collectAWSManagedPolicies(ctx)
	c.cutShort(ctx, snapshot.SectionAWSManagedPolicies)
	if err := c.parent.Err(); err != nil {
		return nil, err
	}

	sort.Slice(accounts, func(i, j int) bool { return accounts[i].ID < accounts[j].ID })
	s.Accounts = accounts
	c.collectAccessAnalyzers(ctx, s)
	if err := c.parent.Err(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		c.log.Warn("collection stopped at --timeout: the snapshot holds what was read, the rest is recorded as gaps", "timeout", c.opts.Timeout.String())
	}
	s.Metadata.APICalls = c.calls.snapshot()
	s.Metadata.Gaps = c.gaps.sorted()
	return s, nil
}

// collectAccounts reads the IAM of every account in work, Concurrency at a
// time, sorted by account id.
func (c *collector) collectAccounts(ctx context.Context, work []*snapshot.Account, mgmtID string) {
	sort.Slice(work, func(i, j int) bool { return work[i].ID < work[j].ID })
	total := len(work)
	var progMu sync.Mutex
	done := 0
	report := func(p Progress) {
		if c.opts.Progress == nil {
			return
		}
		c.opts.Progress(p)
	}
	progMu.Lock()
	report(Progress{Total: total})
	progMu.Unlock()

	forEach(ctx, c.opts.Concurrency, len(work), func(i int) {
		a := work[i]
		actx := withBucket(ctx, a.ID)
		c.collectAccount(actx, a, a.ID == mgmtID)
		c.collectAccountSettings(actx, a)
		if ctx.Err() != nil {
			return // stopped (--timeout) while this account was read: see below
		}
		progMu.Lock()
		done++
		p := Progress{AccountID: a.ID, Done: done, Total: total, APICalls: c.calls.get(a.ID), Gaps: c.gaps.count(a.ID)}
		report(p)
		progMu.Unlock()
		c.log.Debug("account collected", "account", a.ID, "done", p.Done, "total", total, "api_calls", p.APICalls, "gaps", p.Gaps)
	})
	for _, a := range work {
		c.cutShortAccount(ctx, a) // stopped while it was read, or before it started
	}
}

// stopped reports whether the run ran out of time (opts.Timeout) while the
// caller still waits for its result.
func (c *collector) stopped(ctx context.Context) bool {
	return ctx.Err() != nil && c.parent.Err() == nil
}

// cutShort records that an organization-wide section may be incomplete
// because the run stopped at its time limit while reading it.
func (c *collector) cutShort(ctx context.Context, section string) {
	if c.stopped(ctx) {
		c.addGap("", section, "", CodeTimeout, fmt.Sprintf("collection stopped at --timeout %s before this was fully read", c.opts.Timeout))
	}
}

// cutShortAccount records, when the run stopped at its time limit, each
// part of an account that was not read and that no gap explains yet: its
// IAM (an account that was never started, section account) and, for an
// active account, what AWS Account Management was to say about it. A call
// that the time limit interrupted records its own gap (see gap).
func (c *collector) cutShortAccount(ctx context.Context, a *snapshot.Account) {
	if !c.stopped(ctx) {
		return
	}
	missing := func(section, operation string, unread bool) {
		if unread && !c.gaps.has(a.ID, section) {
			c.addGap(a.ID, section, operation, CodeTimeout, fmt.Sprintf("collection stopped at --timeout %s before this was read", c.opts.Timeout))
		}
	}
	missing(snapshot.SectionAccount, "", a.IAM == nil)
	if a.Status != "" && a.Status != "ACTIVE" {
		return // not read on purpose: its gap says so
	}
	missing(snapshot.SectionAlternateContacts, "account:GetAlternateContact", a.AlternateContacts == nil)
	missing(snapshot.SectionRegions, "account:ListRegions", a.EnabledRegions == nil)
	if a.IAM != nil {
		missing(snapshot.SectionCredentialReport, "iam:GetCredentialReport", a.IAM.CredentialReport == nil)
	}
}

// forEach runs fn(0..n-1) on at most workers goroutines and stops handing
// out work once ctx is done.
func forEach(ctx context.Context, workers, n int, fn func(i int)) {
	if workers < 1 {
		workers = 1
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}

// gap records that section of account (empty: organization-wide) could
// not be read. Nothing is recorded once the run is canceled: the run fails
// as a whole then (a run that ran out of time records its gaps).
func (c *collector) gap(ctx context.Context, accountID, section, operation string, err error) {
	c.gapHint(ctx, accountID, section, operation, "", err)
}

// gapHint records, as gap does, a gap whose message ends with hint.
func (c *collector) gapHint(_ context.Context, accountID, section, operation, hint string, err error) {
	if c.parent.Err() != nil {
		return
	}
	code, msg := classify(err)
	c.addGap(accountID, section, operation, code, msg+hint)
}

func (c *collector) addGap(accountID, section, operation, code, msg string) {
	g := snapshot.Gap{AccountID: accountID, Section: section, Operation: operation, ErrorCode: code, Message: redact(msg)}
	c.gaps.add(g)
	attrs := []any{"section", section, "operation", operation, "error_code", code, "message", g.Message}
	if accountID != "" {
		attrs = append([]any{"account", accountID}, attrs...)
	}
	c.log.Warn("gap", attrs...)
}

// addAWSRef counts an attachment of an AWS managed policy.
func (c *collector) addAWSRefs(refs map[string]int) {
	c.refsMu.Lock()
	defer c.refsMu.Unlock()
	for arn, n := range refs {
		c.awsRefs[arn] += n
	}
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) >= 2 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// tagMap turns AWS tag lists into a map, nil when there are none.
func tagMap[T any](tags []T, kv func(T) (string, string)) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := kv(t)
		m[k] = v
	}
	return m
}

// sortedUnique sorts and deduplicates a string list; nil becomes empty.
func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	if out == nil {
		return []string{}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// timePtr copies a time as UTC, nil for nil or zero.
func timePtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
