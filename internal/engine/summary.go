package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/orgaudit/orgaudit/internal/input"
)

// summaryKeys are the members of an account SummarizeAccount reads, and
// summaryIAMKeys those of its iam object: SummarizeAccountJSON decodes
// only them (TestSummarizeAccountJSON keeps the lists true).
var (
	summaryKeys    = append([]string{"iam"}, orgAccountFields...)
	summaryIAMKeys = []string{"policies", "access_analyzer"}
)

// SummarizeAccountJSON is SummarizeAccount of the account whose JSON is
// raw, decoding only what it reads (summaryKeys; the rest, the roles
// first, is skipped over): no generic document of the whole account is
// made. Invalid JSON is input.DecodeJSON's error.
func SummarizeAccountJSON(ctx context.Context, raw []byte) (AccountSummary, error) {
	doc, err := summaryDocument(ctx, raw)
	if err != nil {
		if ctx.Err() != nil {
			return AccountSummary{}, ctx.Err()
		}
		// The checking decoder says where and what.
		if _, derr := input.DecodeJSON(ctx, raw); derr != nil {
			return AccountSummary{}, derr
		}
		return AccountSummary{}, err
	}
	return SummarizeAccount(doc), nil
}

// summaryDocument is the generic account with only the members
// SummarizeAccount reads (any other value whole, as it cannot be
// summarized anyway).
func summaryDocument(ctx context.Context, raw []byte) (any, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw))
	if dec.PeekKind() != '{' {
		return input.DecodeJSON(ctx, raw)
	}
	acct, err := members(ctx, dec, func(name string, dec *jsontext.Decoder) (any, bool, error) {
		if !slices.Contains(summaryKeys, name) {
			return nil, false, dec.SkipValue()
		}
		if name != "iam" || dec.PeekKind() != '{' {
			v, err := genericValue(ctx, dec)
			return v, true, err
		}
		iam, err := members(ctx, dec, func(name string, dec *jsontext.Decoder) (any, bool, error) {
			if !slices.Contains(summaryIAMKeys, name) {
				return nil, false, dec.SkipValue()
			}
			v, err := genericValue(ctx, dec)
			return v, true, err
		})
		return iam, true, err
	})
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	return acct, nil
}

// members reads an object, keeping the members member returns.
func members(ctx context.Context, dec *jsontext.Decoder, member func(string, *jsontext.Decoder) (any, bool, error)) (map[string]any, error) {
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	for dec.PeekKind() != '}' {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String()
		v, keep, err := member(name, dec)
		if err != nil {
			return nil, err
		}
		if keep {
			obj[name] = v
		}
	}
	_, err := dec.ReadToken()
	return obj, err
}

// genericValue decodes the next value as input.DecodeJSON does.
func genericValue(ctx context.Context, dec *jsontext.Decoder) (any, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return input.DecodeJSON(ctx, raw)
}

// summarizeAccounts is SummarizeAccountJSON of every account of doc, on
// every core.
func summarizeAccounts(ctx context.Context, doc *Document) ([]AccountSummary, error) {
	sums := make([]AccountSummary, doc.Accounts)
	err := eachIndex(doc.Accounts, runtime.GOMAXPROCS(0), func(i int) error {
		raw, err := doc.AccountJSON(i)
		if err != nil {
			return err
		}
		if sums[i], err = SummarizeAccountJSON(ctx, raw); err != nil {
			return fmt.Errorf("decode snapshot: account %d: %w", i, err)
		}
		return nil
	})
	return sums, err
}

// Summarizer collects the summaries of accounts given one at a time, in
// any order and concurrently (snapshot.ParseOptions.Account), for
// Document.Summaries.
type Summarizer struct {
	ctx    context.Context
	mu     sync.Mutex
	sums   []AccountSummary
	added  int
	failed bool
}

// NewSummarizer returns a Summarizer; ctx stops its work.
func NewSummarizer(ctx context.Context) *Summarizer { return &Summarizer{ctx: ctx} }

// Add summarizes account i from its JSON (SummarizeAccountJSON). An
// account it cannot summarize leaves the Summarizer without summaries:
// Eval then makes them itself, and says what is wrong.
func (s *Summarizer) Add(i int, raw []byte) {
	sum, err := SummarizeAccountJSON(s.ctx, raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed = true
		return
	}
	if i >= len(s.sums) {
		s.sums = append(s.sums, make([]AccountSummary, i+1-len(s.sums))...)
	}
	s.sums[i] = sum
	s.added++
}

// Summaries returns the summaries of accounts 0 to n-1, or nil unless
// every one of them was added.
func (s *Summarizer) Summaries(n int) []AccountSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed || s.added != n || len(s.sums) != n {
		return nil
	}
	return s.sums
}
