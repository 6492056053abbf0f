package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Policy language versions accepted in the Version element.
const (
	// Version2012 is the current policy language; policy variables are
	// substituted only in documents of this version.
	Version2012 = "2012-10-17"
	// Version2008 is the original policy language, also assumed when a
	// document has no Version element. "${...}" is literal text there.
	Version2008 = "2008-10-17"
)

// Effect is a statement's effect: Allow or Deny.
type Effect string

// Statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a parsed IAM policy document. Parse it once and evaluate it
// many times: patterns, condition values and variables are precompiled.
type Document struct {
	// Version is the Version element, empty when absent.
	Version string
	// ID is the Id element, empty when absent.
	ID string
	// Statements in document order.
	Statements []*Statement

	// vars is true when policy variables are substituted (Version2012).
	vars bool
}

// Statement is one statement of a policy document. The exported fields hold
// the elements as written (Action values are kept as written, matching is
// case-insensitive); a nil slice means the element is absent.
type Statement struct {
	// Index is the position of the statement in its document, from 0.
	Index int
	// Sid is the statement id, empty when absent.
	Sid    string
	Effect Effect

	// Principal and NotPrincipal: at most one is set.
	Principal    *Principal
	NotPrincipal *Principal

	// Action and NotAction: exactly one is set.
	Action    []string
	NotAction []string

	// Resource and NotResource: at most one is set. Neither is usual in
	// role trust policies and means "the resource the policy is attached
	// to".
	Resource    []string
	NotResource []string

	// Conditions lists every (operator, key) pair of the Condition element,
	// sorted by operator then key; all of them must hold (AND).
	Conditions []*Condition

	actions   []pattern
	resources []template
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	// All is true for "Principal": "*" (everyone, including anonymous
	// requests).
	All bool
	// AWS lists the AWS values: "*", account ids and ARNs, or unique ids of
	// deleted principals.
	AWS []AWSPrincipal
	// Service lists service principals such as "ec2.amazonaws.com".
	Service []string
	// Federated lists identity providers: SAML/OIDC provider ARNs or names
	// such as "cognito-identity.amazonaws.com".
	Federated []string
	// CanonicalUser lists S3 canonical user ids.
	CanonicalUser []string
}

// PrincipalKind classifies an AWS principal value.
type PrincipalKind int

// Kinds of AWSPrincipal values and of request principals.
const (
	// KindOther is an ARN orgaudit does not classify further.
	KindOther PrincipalKind = iota
	// KindAll is "*": every AWS principal.
	KindAll
	// KindAccount is an account: a bare 12-digit id or arn:aws:iam::ID:root.
	KindAccount
	// KindUser is an IAM user ARN.
	KindUser
	// KindRole is an IAM role ARN.
	KindRole
	// KindAssumedRole is an STS assumed-role session ARN.
	KindAssumedRole
	// KindFederatedUser is an STS federated user session ARN.
	KindFederatedUser
	// KindUniqueID is a unique id (AIDA..., AROA...) that AWS shows in place
	// of a principal that was deleted after the policy was written. It
	// never matches a request.
	KindUniqueID
	// KindService is a service principal (requests only).
	KindService
	// KindFederatedProvider is a SAML or OIDC provider (requests only).
	KindFederatedProvider
	// KindAnonymous is an unauthenticated request (requests only).
	KindAnonymous
)

var kindNames = [...]string{"other", "*", "account", "user", "role", "assumed-role",
	"federated-user", "unique-id", "service", "federated", "anonymous"}

// String names the kind.
func (k PrincipalKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

// AWSPrincipal is one value of a Principal's AWS key.
type AWSPrincipal struct {
	// Raw is the value as written.
	Raw  string
	Kind PrincipalKind
	// ARN is the value as an ARN: a bare account id becomes
	// arn:aws:iam::ID:root. Empty for "*" and unique ids.
	ARN string
	// Account is the account id, empty for "*" and unique ids.
	Account string
}

// Deleted reports whether the value is the unique id of a deleted
// principal.
func (p AWSPrincipal) Deleted() bool { return p.Kind == KindUniqueID }

// ParseError is a syntax or validation error in a policy document.
type ParseError struct {
	// Statement is the statement index, -1 for document-level errors.
	Statement int
	// Sid is the statement's Sid, if it has one.
	Sid string
	// Msg says what is wrong.
	Msg string
}

func (e *ParseError) Error() string {
	switch {
	case e.Statement < 0:
		return "policy: " + e.Msg
	case e.Sid != "":
		return fmt.Sprintf("policy: statement %d (Sid %q): %s", e.Statement, e.Sid, e.Msg)
	default:
		return fmt.Sprintf("policy: statement %d: %s", e.Statement, e.Msg)
	}
}

// MustParse is Parse for documents known to be valid, such as test
// fixtures; it panics on error.
func MustParse(doc string) *Document {
	d, err := Parse([]byte(doc))
	if err != nil {
		panic(err)
	}
	return d
}

// ParseRaw decodes a document in any form AWS returns it (see
// DecodeDocument) and parses it.
func ParseRaw(raw []byte) (*Document, error) {
	b, err := DecodeDocument(raw)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// DecodeDocument returns the JSON text of a policy document that may arrive
// as a JSON object, as a JSON string holding the document (or its
// URL-encoded form), or as URL-encoded text, which is how the IAM API
// returns policy documents. Percent-escapes are decoded as in RFC 3986: a
// '+' stays a '+'.
func DecodeDocument(raw []byte) ([]byte, error) {
	for range 3 { // a string may hold an encoded string, not forever
		b := bytes.TrimSpace(raw)
		if len(b) == 0 {
			return nil, &ParseError{Statement: -1, Msg: "empty document"}
		}
		switch b[0] {
		case '{':
			return b, nil
		case '"':
			var s string
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, &ParseError{Statement: -1, Msg: "invalid JSON string: " + err.Error()}
			}
			raw = []byte(s)
		case '%':
			s, err := url.PathUnescape(string(b))
			if err != nil {
				return nil, &ParseError{Statement: -1, Msg: "invalid URL encoding: " + err.Error()}
			}
			raw = []byte(s)
		default:
			return nil, &ParseError{Statement: -1, Msg: fmt.Sprintf("document must be a JSON object, JSON string or URL-encoded text, not %q...", truncate(string(b), 20))}
		}
	}
	return nil, &ParseError{Statement: -1, Msg: "document is encoded too many times"}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Parse parses a policy document in JSON form. It accepts every form of the
// grammar: Statement as an object or a list, string-or-list elements,
// Principal as "*" or an object, condition values as strings, booleans or
// numbers. Errors are *ParseError values naming the statement. Parse never
// panics.
func Parse(data []byte) (*Document, error) {
	if d, ok := parseFast(data); ok {
		return d, nil
	}
	return parseSlow(data)
}

// parseSlow is Parse for every text: each element is decoded on its own,
// and an error says which one is wrong.
func parseSlow(data []byte) (*Document, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, &ParseError{Statement: -1, Msg: "invalid JSON: " + err.Error()}
	}
	if top == nil {
		return nil, &ParseError{Statement: -1, Msg: "document must be a JSON object"}
	}
	d := &Document{}
	for k, v := range top {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &d.Version); err != nil {
				return nil, &ParseError{Statement: -1, Msg: "Version must be a string"}
			}
		case "Id":
			if err := json.Unmarshal(v, &d.ID); err != nil {
				return nil, &ParseError{Statement: -1, Msg: "Id must be a string"}
			}
		case "Statement":
		default:
			return nil, &ParseError{Statement: -1, Msg: fmt.Sprintf("unknown element %q", k)}
		}
	}
	switch d.Version {
	case Version2012:
		d.vars = true
	case Version2008, "":
	default:
		return nil, &ParseError{Statement: -1, Msg: fmt.Sprintf("unsupported Version %q: use %s or %s", d.Version, Version2012, Version2008)}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, &ParseError{Statement: -1, Msg: "missing Statement"}
	}
	raw = bytes.TrimSpace(raw)
	var stmts []json.RawMessage
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &stmts); err != nil {
			return nil, &ParseError{Statement: -1, Msg: "Statement must be an object or a list of objects"}
		}
	case len(raw) > 0 && raw[0] == '{':
		stmts = []json.RawMessage{raw}
	default:
		return nil, &ParseError{Statement: -1, Msg: "Statement must be an object or a list of objects"}
	}
	d.Statements = make([]*Statement, 0, len(stmts))
	for i, rs := range stmts {
		s, err := parseStatement(i, rs, d.vars)
		if err != nil {
			return nil, err
		}
		d.Statements = append(d.Statements, s)
	}
	return d, nil
}

func parseStatement(i int, raw json.RawMessage, vars bool) (*Statement, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, &ParseError{Statement: i, Msg: "statement must be a JSON object"}
	}
	s := &Statement{Index: i}
	if v, ok := m["Sid"]; ok {
		if err := json.Unmarshal(v, &s.Sid); err != nil {
			return nil, &ParseError{Statement: i, Msg: "Sid must be a string"}
		}
	}
	fail := func(format string, args ...any) error {
		return &ParseError{Statement: i, Sid: s.Sid, Msg: fmt.Sprintf(format, args...)}
	}
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
			"Resource", "NotResource", "Condition":
		default:
			return nil, fail("unknown element %q", k)
		}
	}
	var effect string
	if v, ok := m["Effect"]; !ok {
		return nil, fail("missing Effect")
	} else if err := json.Unmarshal(v, &effect); err != nil {
		return nil, fail("Effect must be a string")
	}
	switch Effect(effect) {
	case Allow, Deny:
		s.Effect = Effect(effect)
	default:
		return nil, fail("invalid Effect %q: must be Allow or Deny", effect)
	}

	var err error
	if s.Action, err = stringOrList(m, "Action"); err != nil {
		return nil, fail("%v", err)
	}
	if s.NotAction, err = stringOrList(m, "NotAction"); err != nil {
		return nil, fail("%v", err)
	}
	switch {
	case s.Action != nil && s.NotAction != nil:
		return nil, fail("Action and NotAction cannot both be set")
	case s.Action == nil && s.NotAction == nil:
		return nil, fail("missing Action or NotAction")
	}
	if bad, ok := s.compileActions(); !ok {
		return nil, fail("invalid action %q: use service:Action or *", bad)
	}

	if s.Resource, err = stringOrList(m, "Resource"); err != nil {
		return nil, fail("%v", err)
	}
	if s.NotResource, err = stringOrList(m, "NotResource"); err != nil {
		return nil, fail("%v", err)
	}
	if s.Resource != nil && s.NotResource != nil {
		return nil, fail("Resource and NotResource cannot both be set")
	}
	if !s.compileResources(vars) {
		return nil, fail("empty resource")
	}

	if v, ok := m["Principal"]; ok {
		if s.Principal, err = parsePrincipal(v); err != nil {
			return nil, fail("Principal: %v", err)
		}
	}
	if v, ok := m["NotPrincipal"]; ok {
		if s.NotPrincipal, err = parsePrincipal(v); err != nil {
			return nil, fail("NotPrincipal: %v", err)
		}
	}
	if s.Principal != nil && s.NotPrincipal != nil {
		return nil, fail("Principal and NotPrincipal cannot both be set")
	}

	if v, ok := m["Condition"]; ok {
		if s.Conditions, err = parseConditionBlock(v, vars); err != nil {
			return nil, fail("Condition: %v", err)
		}
	}
	return s, nil
}

// compileActions compiles the statement's Action or NotAction values;
// bad is the first that is neither "*" nor service:action (validAction).
func (s *Statement) compileActions() (bad string, ok bool) {
	acts := s.Action
	if acts == nil {
		acts = s.NotAction
	}
	for _, a := range acts {
		if a != "*" && !validAction(a) {
			return a, false
		}
		s.actions = append(s.actions, compilePattern(strings.ToLower(a)))
	}
	return "", true
}

// compileResources compiles the statement's Resource or NotResource
// values; it fails at an empty one.
func (s *Statement) compileResources(vars bool) bool {
	res := s.Resource
	if res == nil {
		res = s.NotResource
	}
	for _, r := range res {
		if r == "" {
			return false
		}
		s.resources = append(s.resources, compileTemplate(r, vars))
	}
	return true
}

// validAction reports whether a is "service:action" with a non-empty
// service made of letters, digits and dashes.
func validAction(a string) bool {
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" {
		return false
	}
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

// stringOrList decodes element key of m, a string or a list of strings.
// It returns nil when the element is absent.
func stringOrList(m map[string]json.RawMessage, key string) ([]string, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	out, err := decodeStrings(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s must not be empty", key)
	}
	return out, nil
}

var errStringOrList = errors.New("must be a string or a list of strings")

func decodeStrings(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil, errStringOrList
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, errStringOrList
		}
		return []string{s}, nil
	case '[':
		var l []string
		if err := json.Unmarshal(v, &l); err != nil {
			return nil, errStringOrList
		}
		if l == nil {
			l = []string{}
		}
		return l, nil
	}
	return nil, errStringOrList
}

func parsePrincipal(v json.RawMessage) (*Principal, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil || s != "*" {
			return nil, errors.New(`must be "*" or an object with AWS, Service, Federated or CanonicalUser keys`)
		}
		return &Principal{All: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil || m == nil {
		return nil, errors.New(`must be "*" or an object with AWS, Service, Federated or CanonicalUser keys`)
	}
	if len(m) == 0 {
		return nil, errors.New("must not be empty")
	}
	p := &Principal{}
	for k, raw := range m {
		vals, err := decodeStrings(raw)
		if err != nil {
			return nil, fmt.Errorf("%s %w", k, err)
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("%s must not be empty", k)
		}
		if err := p.add(k, vals); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// add sets the values of a principal type (an element of a Principal
// object).
func (p *Principal) add(typ string, vals []string) error {
	switch typ {
	case "AWS":
		for _, s := range vals {
			ap, err := parseAWSPrincipal(s)
			if err != nil {
				return err
			}
			p.AWS = append(p.AWS, ap)
		}
	case "Service":
		p.Service = vals
	case "Federated":
		p.Federated = vals
	case "CanonicalUser":
		p.CanonicalUser = vals
	default:
		return fmt.Errorf("unknown principal type %q: use AWS, Service, Federated or CanonicalUser", typ)
	}
	return nil
}

// uniqueIDPrefixes are the prefixes of IAM unique ids that can appear in a
// policy in place of a deleted principal.
var uniqueIDPrefixes = []string{"AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "ASCA", "APKA", "ASIA", "AKIA"}

func parseAWSPrincipal(s string) (AWSPrincipal, error) {
	p := AWSPrincipal{Raw: s}
	switch {
	case s == "*":
		p.Kind = KindAll
		return p, nil
	case IsAccountID(s):
		p.Kind, p.Account, p.ARN = KindAccount, s, "arn:aws:iam::"+s+":root"
		return p, nil
	case isUniqueID(s):
		p.Kind = KindUniqueID
		return p, nil
	}
	a, ok := splitARN(s)
	if !ok {
		return p, fmt.Errorf("invalid AWS principal %q: use an ARN, a 12-digit account id or *", s)
	}
	p.ARN, p.Account = s, a.account
	p.Kind = classifyARN(a)
	return p, nil
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	ok := false
	for _, p := range uniqueIDPrefixes {
		if strings.HasPrefix(s, p) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// arn is an ARN split into its six fields; resource keeps any further
// colons.
type arn struct {
	partition, service, region, account, resource string
}

func splitARN(s string) (arn, bool) {
	if !strings.HasPrefix(s, "arn:") {
		return arn{}, false
	}
	var f [5]string
	rest := s[4:]
	for i := range 4 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return arn{}, false
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	f[4] = rest
	if f[0] == "" || f[1] == "" {
		return arn{}, false
	}
	return arn{f[0], f[1], f[2], f[3], f[4]}, true
}

func classifyARN(a arn) PrincipalKind {
	switch a.service {
	case "iam":
		switch {
		case a.resource == "root":
			return KindAccount
		case strings.HasPrefix(a.resource, "user/"):
			return KindUser
		case strings.HasPrefix(a.resource, "role/"):
			return KindRole
		case strings.HasPrefix(a.resource, "saml-provider/"), strings.HasPrefix(a.resource, "oidc-provider/"):
			return KindFederatedProvider
		}
	case "sts":
		switch {
		case strings.HasPrefix(a.resource, "assumed-role/"):
			return KindAssumedRole
		case strings.HasPrefix(a.resource, "federated-user/"):
			return KindFederatedUser
		}
	}
	return KindOther
}

// parseConditionBlock parses {operator: {key: value-or-list}}.
func parseConditionBlock(v json.RawMessage, vars bool) ([]*Condition, error) {
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(v, &ops); err != nil || ops == nil {
		return nil, errors.New("must be an object of {operator: {key: value}}")
	}
	var out []*Condition
	for opName, body := range ops {
		op, err := parseOperator(opName)
		if err != nil {
			return nil, err
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(body, &keys); err != nil || keys == nil {
			return nil, fmt.Errorf("%s must be an object of {key: value}", opName)
		}
		for key, rv := range keys {
			vals, err := conditionValues(rv)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", opName, key, err)
			}
			c, err := newCondition(opName, op, key, vals, vars)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", opName, key, err)
			}
			out = append(out, c)
		}
	}
	sortConditions(out)
	return out, nil
}

// sortConditions sorts the conditions of a statement by operator, then
// key.
func sortConditions(cs []*Condition) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Operator != cs[j].Operator {
			return cs[i].Operator < cs[j].Operator
		}
		return cs[i].Key < cs[j].Key
	})
}

// conditionValues decodes a condition value: a string, boolean or number,
// or a list of them. Numbers keep their JSON text.
func conditionValues(v json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, errors.New("invalid value")
	}
	scalar := func(x any) (string, bool) {
		switch t := x.(type) {
		case string:
			return t, true
		case bool:
			return strconv.FormatBool(t), true
		case json.Number:
			return t.String(), true
		}
		return "", false
	}
	if l, ok := x.([]any); ok {
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, ok := scalar(e)
			if !ok {
				return nil, errors.New("values must be strings, booleans or numbers")
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, ok := scalar(x)
	if !ok {
		return nil, errors.New("value must be a string, boolean, number or a list of them")
	}
	return []string{s}, nil
}
