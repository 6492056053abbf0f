package collect

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// CodeUnparseable is the error code of a gap whose calls were answered
// HTTP 200 with a body that could not be read (truncated, garbage, empty),
// on every attempt.
const CodeUnparseable = "UnparseableResponse"

// UnparseableResponseError says an answer with a success status could not
// be used. It is retried like a server error.
type UnparseableResponseError struct {
	// Reason says what was wrong with the body.
	Reason string
}

func (e *UnparseableResponseError) Error() string {
	return "unparseable response: " + e.Reason
}

// RetryableError tells the SDK's retryer to try again.
func (e *UnparseableResponseError) RetryableError() bool { return true }

// retryUnparseable makes a success answer the SDK could not deserialize
// retryable: a truncated or garbled body is a transient fault, like a 5xx.
// (Error answers are retried, or not, by their status.)
func retryUnparseable(err error) aws.Ternary {
	if unparseableSuccess(err) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// unparseableSuccess reports whether err is a success answer (2xx) whose
// body could not be deserialized.
func unparseableSuccess(err error) bool {
	var de *smithy.DeserializationError
	if !errors.As(err, &de) {
		return false
	}
	var re interface{ HTTPStatusCode() int }
	return !errors.As(err, &re) || (re.HTTPStatusCode() >= 200 && re.HTTPStatusCode() <= 299)
}

// callDeadline bounds each API call, its retries included: a call that
// runs out fails with context.DeadlineExceeded and becomes a gap.
func callDeadline(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("OrgauditCallDeadline",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				ctx, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// addEmptyBodyCheck refuses a success answer without a body. Every
// operation the collector calls has a result, so an empty body is a
// fault, never a fact: the SDK's query-protocol (IAM, STS) deserializers
// would otherwise read it as an empty result (no MFA device, an empty
// summary). It sits between the operation's deserializer and the
// transport, inside the retry loop.
func addEmptyBodyCheck(stack *middleware.Stack) error {
	return stack.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("OrgauditEmptyBody",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if err != nil {
				return out, md, err
			}
			resp, ok := out.RawResponse.(*smithyhttp.Response)
			if !ok || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil {
				return out, md, err
			}
			var first [1]byte
			n, readErr := io.ReadFull(resp.Body, first[:])
			if n == 0 {
				_ = resp.Body.Close()
				reason := "an empty body with HTTP " + resp.Status
				if readErr != nil && !errors.Is(readErr, io.EOF) {
					reason = "the body could not be read: " + readErr.Error()
				}
				return out, md, &UnparseableResponseError{Reason: reason}
			}
			resp.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(first[:n]), resp.Body), resp.Body}
			return out, md, nil
		}), "OperationDeserializer", middleware.After)
}
