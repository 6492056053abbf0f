package collect

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
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
	load := []func(*config.LoadOptions) error{
		// The SDK's own warnings (credential chain fallbacks and the like)
		// go to the collector's logger, redacted, not straight to stderr.
		config.WithLogger(sdkLogger{opts.Logger}),
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
			})
		})
	}
	// Appended after loading: the credential providers the default chain
	// built keep their own clients, so role chains, SSO and web identity
	// still work; every client the collector builds gets the allowlist.
	apiOptions := make([]func(*middleware.Stack) error, 0, len(cfg.APIOptions)+2)
	apiOptions = append(apiOptions, cfg.APIOptions...)
	apiOptions = append(apiOptions, addAllowlist)
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
