package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// parsePolicyDocument turns a policy document as an AWS API returns it
// into parsed JSON: IAM URL-encodes documents (RFC 3986, so "+" is a plus
// sign, not a space), Organizations and Identity Center return plain JSON,
// and emulators do either. The result is the compacted document, with its
// keys in the order AWS returned them.
func parsePolicyDocument(raw string) (json.RawMessage, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty policy document")
	}
	if !strings.HasPrefix(s, "{") {
		decoded, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("url-decode policy document: %w", err)
		}
		s = strings.TrimSpace(decoded)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &probe); err != nil {
		return nil, fmt.Errorf("parse policy document: %w", err)
	}
	st, ok := probe["Statement"]
	if !ok {
		return nil, errors.New("parse policy document: no Statement")
	}
	if t := bytes.TrimSpace(st); len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return nil, errors.New("parse policy document: Statement is neither an object nor a list")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return nil, fmt.Errorf("parse policy document: %w", err)
	}
	return json.RawMessage(buf.Bytes()), nil
}

// policyNameFromARN derives a managed policy's name from its ARN
// (arn:aws:iam::aws:policy/service-role/Name → Name), for APIs and
// emulators that leave the name out.
func policyNameFromARN(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// isAWSManagedPolicy tells whether arn names an AWS managed policy
// (arn:PARTITION:iam::aws:policy/...).
func isAWSManagedPolicy(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[2] == "iam" && parts[4] == "aws" && strings.HasPrefix(parts[5], "policy/")
}
