package collect

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// gapSet collects gaps from concurrent workers.
type gapSet struct {
	mu   sync.Mutex
	gaps []snapshot.Gap
}

func (g *gapSet) add(gap snapshot.Gap) {
	g.mu.Lock()
	g.gaps = append(g.gaps, gap)
	g.mu.Unlock()
}

func (g *gapSet) count(accountID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, gap := range g.gaps {
		if gap.AccountID == accountID {
			n++
		}
	}
	return n
}

// has reports whether a gap covers section of the account.
func (g *gapSet) has(accountID, section string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, gap := range g.gaps {
		if gap.AccountID == accountID && gap.Section == section {
			return true
		}
	}
	return false
}

// sorted returns the gaps in a stable order: organization-wide first, then
// by account, section, operation, error code and message.
func (g *gapSet) sorted() []snapshot.Gap {
	g.mu.Lock()
	out := append([]snapshot.Gap{}, g.gaps...)
	g.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		if a.Section != b.Section {
			return a.Section < b.Section
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.ErrorCode != b.ErrorCode {
			return a.ErrorCode < b.ErrorCode
		}
		return a.Message < b.Message
	})
	return out
}

// Error codes of gaps that do not come from an AWS error response.
const (
	// CodeRequestFailed: the request could not be sent or its connection
	// dropped, on every attempt.
	CodeRequestFailed = "RequestFailed"
	// CodeTimeout: a bounded wait ran out: a call with its retries (see
	// Timeouts), the credential report, or the whole run (--timeout).
	CodeTimeout = "Timeout"
	// CodeInvalidDocument: a policy document could not be parsed.
	CodeInvalidDocument = "InvalidDocument"
	// CodeAccountNotActive: the account is suspended or closing; its audit
	// role cannot be assumed.
	CodeAccountNotActive = "AccountNotActive"
	// CodeNotImplemented: the endpoint does not implement the operation.
	CodeNotImplemented = "NotImplemented"
)

// classify turns an SDK error into a gap's error code and message. The
// message never carries credentials (see redact).
func classify(err error) (code, message string) {
	attempts := ""
	var maxErr *retry.MaxAttemptsError
	if errors.As(err, &maxErr) {
		attempts = fmt.Sprintf(" (after %d attempts)", maxErr.Attempt)
	}
	var apiErr smithy.APIError
	var respErr interface{ HTTPStatusCode() int }
	var sendErr *smithyhttp.RequestSendError
	var unparseable *UnparseableResponseError
	var netErr interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code, message = CodeTimeout, "the call and its retries did not finish in time"
	case errors.As(err, &unparseable):
		code, message = CodeUnparseable, unparseable.Error()
	case unparseableSuccess(err):
		code, message = CodeUnparseable, "unparseable response: "+rootCause(err)
	case errors.As(err, &netErr) && netErr.Timeout():
		code, message = CodeTimeout, "no answer in time: "+rootCause(err)
	case errors.As(err, &apiErr) && apiErr.ErrorCode() != "" && !(apiErr.ErrorCode() == "UnknownError" && errors.As(err, &respErr)):
		// (The SDK says UnknownError for an error answer it cannot
		// read; the HTTP status below says more.)
		code, message = apiErr.ErrorCode(), apiErr.ErrorMessage()
		if message == "" {
			message = "the endpoint answered " + code
		}
	case errors.As(err, &respErr):
		status := respErr.HTTPStatusCode()
		switch {
		case status == 501:
			code, message = CodeNotImplemented, "the endpoint does not implement this operation (HTTP 501)"
		case status >= 500:
			code = fmt.Sprintf("HTTP%d", status)
			message = fmt.Sprintf("the endpoint answered HTTP %d without an AWS error (operation not implemented by the endpoint, or a server fault)", status)
		default:
			code = fmt.Sprintf("HTTP%d", status)
			message = fmt.Sprintf("the endpoint answered HTTP %d without an AWS error", status)
		}
	case errors.As(err, &sendErr):
		code, message = CodeRequestFailed, "the request could not be completed: "+rootCause(sendErr)
	default:
		code, message = "Error", err.Error()
	}
	return code, redact(strings.TrimSpace(message) + attempts)
}

// isNotImplemented tells whether err says the endpoint lacks the operation
// (HTTP 500 without an AWS error body, HTTP 501, or NotImplemented).
func isNotImplemented(err error) bool {
	code, _ := classify(err)
	return code == CodeNotImplemented || code == "HTTP500" || code == "NotImplementedException"
}

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func rootCause(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// Patterns that look like credentials or request signatures. Messages,
// logs and gaps pass through redact before they are stored or printed.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b`),
	regexp.MustCompile(`(?i)(Signature=)[0-9a-f]+`),
	regexp.MustCompile(`(?i)(X-Amz-Security-Token=)[^&\s"]+`),
	regexp.MustCompile(`(?i)(X-Amz-Credential=)[^&\s"]+`),
	regexp.MustCompile(`(?i)(Credential=)[^,\s"]+`),
}

// knownSecrets holds credential values seen by this process (secret keys
// and session tokens cannot be recognized by shape), so that redact can
// remove them wherever they appear.
var knownSecrets struct {
	mu     sync.RWMutex
	values map[string]struct{}
}

// rememberCredentials registers the parts of creds for redaction.
func rememberCredentials(creds aws.Credentials) {
	knownSecrets.mu.Lock()
	defer knownSecrets.mu.Unlock()
	if knownSecrets.values == nil {
		knownSecrets.values = map[string]struct{}{}
	}
	for _, v := range []string{creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken} {
		if len(v) >= 8 {
			knownSecrets.values[v] = struct{}{}
		}
	}
}

// redact removes credentials, session tokens and signatures from s.
func redact(s string) string {
	knownSecrets.mu.RLock()
	for v := range knownSecrets.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	knownSecrets.mu.RUnlock()
	for i, re := range secretPatterns {
		if i == 0 {
			s = re.ReplaceAllString(s, "[REDACTED]")
			continue
		}
		s = re.ReplaceAllString(s, "${1}[REDACTED]")
	}
	return s
}

// redactedError is an error whose message has been redacted.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr keeps err's chain for errors.Is/As but redacts its message.
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redact(err.Error()), err: err}
}

// rememberingProvider registers every credential it hands out for
// redaction.
type rememberingProvider struct {
	aws.CredentialsProvider
}

func (p rememberingProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.CredentialsProvider.Retrieve(ctx)
	if err == nil {
		rememberCredentials(creds)
	}
	return creds, err
}
