package collect

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// DefaultRegion is used when neither --region nor the AWS configuration
// names one. Organizations and IAM are global; Identity Center is read in
// this region.
const DefaultRegion = "us-east-1"

// DefaultMaxAttempts is the number of attempts per API call (the first and
// the retries) unless the AWS configuration sets max_attempts.
const DefaultMaxAttempts = 5

// Timeouts bound every AWS API call. A zero field means its default (see
// DefaultTimeouts). An attempt that runs out is retried like a dropped
// connection; a call that runs out is a gap (error code Timeout).
type Timeouts struct {
	// Connect bounds opening a TCP connection.
	Connect time.Duration
	// TLSHandshake bounds the TLS handshake.
	TLSHandshake time.Duration
	// ResponseHeader bounds the wait for the answer's headers once the
	// request is sent.
	ResponseHeader time.Duration
	// Attempt bounds one attempt, from sending to reading the whole body.
	Attempt time.Duration
	// Call bounds a call with all its retries and their backoff.
	Call time.Duration
}

// DefaultTimeouts are generous for AWS (a slow GetAccountAuthorizationDetails
// page takes seconds) and short enough that a hung endpoint costs minutes,
// not the night.
var DefaultTimeouts = Timeouts{
	Connect:        10 * time.Second,
	TLSHandshake:   10 * time.Second,
	ResponseHeader: 30 * time.Second,
	Attempt:        60 * time.Second,
	Call:           5 * time.Minute,
}

func (t Timeouts) withDefaults() Timeouts {
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&t.Connect, DefaultTimeouts.Connect}, {&t.TLSHandshake, DefaultTimeouts.TLSHandshake},
		{&t.ResponseHeader, DefaultTimeouts.ResponseHeader}, {&t.Attempt, DefaultTimeouts.Attempt}, {&t.Call, DefaultTimeouts.Call}} {
		if *f.v <= 0 {
			*f.v = f.def
		}
	}
	return t
}

// httpClient is the HTTP client of every AWS call, the credential chain's
// included: each attempt is bounded (connect, TLS, headers, whole attempt).
func httpClient(t Timeouts) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.Connect }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = t.TLSHandshake
			tr.ResponseHeaderTimeout = t.ResponseHeader
		}).
		WithTimeout(t.Attempt)
}

// NewAWSConfig loads the AWS configuration the collector uses: the SDK's
// default chain (environment, shared config and credentials files with
// profiles, role_arn/source_profile chains, SSO, web identity), the region
// and endpoint overrides of opts, adaptive retries, and the read-only
// allowlist on every client built from it. A client made from the returned
// config cannot call an operation outside the allowlist: it fails with
// ErrOperationNotAllowed before the request is sent.
func NewAWSConfig(ctx context.Context, opts Options) (aws.Config, error) {
	return newAWSConfig(ctx, opts, nil)
}

func newAWSConfig(ctx context.Context, opts Options, counter *callCounter) (aws.Config, error) {
	timeouts := opts.Timeouts.withDefaults()
	load := []func(*config.LoadOptions) error{
		// The SDK's own warnings (credential chain fallbacks and the like)
		// go to the collector's logger, redacted, not straight to stderr.
		config.WithLogger(sdkLogger{opts.Logger}),
		config.WithHTTPClient(httpClient(timeouts)),
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(opts.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws configuration: %w", redactErr(err))
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	maxAttempts := cfg.RetryMaxAttempts
	if opts.MaxAttempts > 0 {
		maxAttempts = opts.MaxAttempts
	}
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	// Clients apply cfg.RetryMaxAttempts on top of the retryer; keep both
	// in agreement.
	cfg.RetryMaxAttempts = maxAttempts
	cfg.RetryMode = aws.RetryModeAdaptive
	maxBackoff := opts.MaxBackoff
	cfg.Retryer = func() aws.Retryer {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
				if maxBackoff > 0 {
					so.MaxBackoff = maxBackoff
				}
				// An answer that cannot be read is retried like a 5xx.
				so.Retryables = append(so.Retryables, retry.IsErrorRetryableFunc(retryUnparseable))
			})
		})
	}
	// Appended after loading: the credential providers the default chain
	// built keep their own clients, so role chains, SSO and web identity
	// still work; every client the collector builds gets the allowlist.
	apiOptions := make([]func(*middleware.Stack) error, 0, len(cfg.APIOptions)+4)
	apiOptions = append(apiOptions, cfg.APIOptions...)
	apiOptions = append(apiOptions, addAllowlist, callDeadline(timeouts.Call), addEmptyBodyCheck)
	if counter != nil {
		apiOptions = append(apiOptions, counter.add)
	}
	cfg.APIOptions = apiOptions
	return cfg, nil
}

// sdkLogger passes the SDK's log lines to a slog logger.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Logf(class logging.Classification, format string, v ...any) {
	if l.log == nil {
		return
	}
	msg := redact(fmt.Sprintf(format, v...))
	if class == logging.Warn {
		l.log.Warn("aws sdk: " + msg)
		return
	}
	l.log.Debug("aws sdk: " + msg)
}

// bucketKey is the context key of the api_calls bucket (an account id or
// "organization") that the calls made with a context are counted in.
type bucketKey struct{}

// BucketOrganization is the metadata.api_calls key of Organizations,
// Identity Center and other organization-wide calls.
const BucketOrganization = "organization"

func withBucket(ctx context.Context, bucket string) context.Context {
	return context.WithValue(ctx, bucketKey{}, bucket)
}

func bucketOf(ctx context.Context) string {
	if b, ok := ctx.Value(bucketKey{}).(string); ok {
		return b
	}
	return BucketOrganization
}

// callCounter counts API operations (not retry attempts) per bucket.
type callCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func newCallCounter() *callCounter { return &callCounter{counts: map[string]int{}} }

func (c *callCounter) add(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("OrgauditCallCounter",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			c.counts[bucketOf(ctx)]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

func (c *callCounter) get(bucket string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[bucket]
}

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}
