package mototest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds a FaultProxy injects.
const (
	FaultThrottle = "throttle" // HTTP 400 with a throttling error
	Fault500      = "500"      // HTTP 500 with a non-AWS body
	FaultDrop     = "drop"     // connection closed without an answer
	// FaultHang never answers: the request hangs until the client gives
	// up (or the proxy closes).
	FaultHang = "hang"
	// FaultTruncated answers HTTP 200 with the first half of moto's body
	// and a Content-Length that matches it: a complete HTTP message whose
	// XML or JSON stops in the middle.
	FaultTruncated = "truncated"
	// FaultGarbage answers HTTP 200 with bytes that are neither XML nor
	// JSON.
	FaultGarbage = "garbage"
	// FaultEmpty answers HTTP 200 with an empty body.
	FaultEmpty = "empty"
)

// Rule makes every matching request fail the same way, every time.
type Rule struct {
	// Operation is the API operation name (AssumeRole, ListAccountAliases).
	Operation string
	// AccountID is the account the request acts in (for sts:AssumeRole,
	// the account of the role); empty matches any.
	AccountID string
	// BodyContains, when set, limits the rule to requests whose body holds
	// it (one permission set's ARN, one role's name).
	BodyContains string
	// Status and Code shape the answer: an AWS error with Code, or a
	// bare HTTP Status when Code is empty.
	Status int
	Code   string
	// Body, when set, is answered with HTTP 200 instead of an error: a
	// made-up result for what moto cannot be seeded with.
	Body string
	// Fault, when set, is answered instead: FaultHang, FaultTruncated,
	// FaultGarbage, FaultEmpty, FaultDrop or Fault500.
	Fault string
}

// FaultProxy is a loopback reverse proxy in front of moto that injects
// faults: transient ones (the first attempt of every Every-th distinct
// request is throttled, answered 500 or dropped, in turn, so a retry gets
// through) and persistent ones (Rules). It learns which account an
// assumed-role access key acts in from the sts:AssumeRole answers it
// forwards. Requests to unknown keys act in the management account.
type FaultProxy struct {
	// URL is the proxy's endpoint.
	URL string
	// Every, when > 0, injects a transient fault into every Every-th
	// distinct request.
	Every int
	// Kinds is the rotation of transient faults; empty means throttle,
	// 500, drop. Every Fault* kind can be used.
	Kinds []string
	// Delay is added before every forwarded request.
	Delay time.Duration
	// Rules are persistent faults.
	Rules []Rule
	// Replay, when set, records moto's answers and, after Rewind, answers
	// the same requests again from the recording instead of asking moto,
	// after Delay like any other (see Rewind). Requests beyond the
	// recording are forwarded and recorded. A benchmark records one
	// collection and times a second one: the API's latency is then all
	// that remains, without moto's own time per call (one Python
	// process, which serializes every caller).
	Replay bool

	target   *url.URL
	proxy    *httputil.ReverseProxy
	listener net.Listener
	server   *http.Server
	closed   chan struct{}
	once     sync.Once

	mu       sync.Mutex
	params   map[string][]url.Values // operation → form parameters seen
	seen     map[string]bool
	distinct int
	keys     map[string]string           // access key id → account
	counts   map[string]int              // fault kind → count, plus "requests"
	recorded map[string][]recordedAnswer // replay key → moto's answers in order
	replayed map[string]int              // replay key → requests since Rewind
}

// NewFaultProxy starts a proxy to target (moto's URL) on a free loopback
// port.
func NewFaultProxy(target string) (*FaultProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &FaultProxy{
		URL:      "http://" + l.Addr().String(),
		target:   u,
		listener: l,
		seen:     map[string]bool{},
		params:   map[string][]url.Values{},
		keys:     map[string]string{},
		counts:   map[string]int{},
		closed:   make(chan struct{}),
	}
	p.proxy = httputil.NewSingleHostReverseProxy(u)
	p.proxy.ModifyResponse = p.learnKeys
	p.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.server.Serve(l) }()
	return p, nil
}

// Close stops the proxy, hung requests included.
func (p *FaultProxy) Close() error {
	p.once.Do(func() { close(p.closed) })
	return p.server.Close()
}

// Counts returns how many requests were seen and how many faults of each
// kind were injected ("requests", FaultThrottle, Fault500, FaultDrop,
// "rule") and, with Replay, how many answers came from moto ("recorded")
// and from the recording ("replayed").
func (p *FaultProxy) Counts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Params returns the form parameters of the query-protocol (IAM, STS)
// requests of operation op the proxy has seen.
func (p *FaultProxy) Params(op string) []url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]url.Values(nil), p.params[op]...)
}

var (
	credentialRe = regexp.MustCompile(`Credential=([A-Z0-9]+)/`)
	roleARNRe    = regexp.MustCompile(`arn:aws:iam::([0-9]{12}):role/`)
	arnAccountRe = regexp.MustCompile(`::([0-9]{12}):`)
)

// ServeHTTP implements http.Handler.
func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	op, jsonProtocol := operationOf(r, body)
	account := p.accountOf(r, op, body)
	if p.Delay > 0 {
		select {
		case <-time.After(p.Delay):
		case <-r.Context().Done():
			return
		}
	}

	p.mu.Lock()
	p.counts["requests"]++
	if !jsonProtocol {
		if vals, err := url.ParseQuery(string(body)); err == nil {
			p.params[op] = append(p.params[op], vals)
		}
	}
	var rule *Rule
	for i := range p.Rules {
		if p.Rules[i].Operation == op && (p.Rules[i].AccountID == "" || p.Rules[i].AccountID == account) &&
			(p.Rules[i].BodyContains == "" || bytes.Contains(body, []byte(p.Rules[i].BodyContains))) {
			rule = &p.Rules[i]
			break
		}
	}
	fault := ""
	if rule != nil {
		p.counts["rule"]++
		fault = rule.Fault
	} else if p.Every > 0 {
		sum := sha256.Sum256(append([]byte(op+"|"+r.Header.Get("Authorization")[:min(len(r.Header.Get("Authorization")), 60)]+"|"), body...))
		key := hex.EncodeToString(sum[:])
		if !p.seen[key] {
			p.seen[key] = true
			p.distinct++
			if p.distinct%p.Every == 0 {
				kinds := p.Kinds
				if len(kinds) == 0 {
					kinds = []string{FaultThrottle, Fault500, FaultDrop}
				}
				fault = kinds[(p.distinct/p.Every-1)%len(kinds)]
				p.counts[fault]++
			}
		}
	}
	p.mu.Unlock()

	switch {
	case fault == FaultHang:
		select {
		case <-r.Context().Done():
		case <-p.closed:
		}
	case fault == FaultTruncated:
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		writeBody(w, rec.Header().Get("Content-Type"), body[:len(body)/2])
	case fault == FaultGarbage:
		writeBody(w, contentType(jsonProtocol), []byte("\x00\x1f<<garbage{{ not XML, not JSON"))
	case fault == FaultEmpty:
		writeBody(w, contentType(jsonProtocol), nil)
	case rule != nil && rule.Body != "":
		w.Header().Set("Content-Type", contentType(jsonProtocol))
		_, _ = io.WriteString(w, rule.Body)
	case rule != nil && fault == "":
		writeError(w, jsonProtocol, rule.Status, rule.Code, fmt.Sprintf("injected by the test proxy for %s in %s", op, account))
	case fault == FaultThrottle:
		code := "Throttling"
		if jsonProtocol {
			code = "ThrottlingException"
		}
		writeError(w, jsonProtocol, http.StatusBadRequest, code, "Rate exceeded")
	case fault == Fault500:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html><body>injected internal error</body></html>")
	case fault == FaultDrop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "cannot drop", http.StatusInternalServerError)
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
	case p.Replay:
		p.replay(w, r, account, body)
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

// operationOf names the API operation of a request: the X-Amz-Target of
// JSON protocols (Organizations, SSO Admin, Identity Store), the Action
// form field of query protocols (IAM, STS).
func operationOf(r *http.Request, body []byte) (op string, jsonProtocol bool) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			return t[i+1:], true
		}
		return t, true
	}
	if vals, err := url.ParseQuery(string(body)); err == nil && vals.Get("Action") != "" {
		return vals.Get("Action"), false
	}
	if op := restOperation(r); op != "" {
		return op, true
	}
	return "", false
}

// accountOf tells which account a request acts in.
func (p *FaultProxy) accountOf(r *http.Request, op string, body []byte) string {
	if op == "AssumeRole" {
		if vals, err := url.ParseQuery(string(body)); err == nil {
			if m := roleARNRe.FindStringSubmatch(vals.Get("RoleArn")); m != nil {
				return m[1]
			}
		}
	}
	if id := bodyAccountID(body); id != "" && (op == "GetAlternateContact" || op == "ListRegions") {
		return id
	}
	m := credentialRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return ManagementAccountID
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if a, ok := p.keys[m[1]]; ok {
		return a
	}
	return ManagementAccountID
}

// learnKeys records which account the access key of an AssumeRole answer
// acts in.
func (p *FaultProxy) learnKeys(resp *http.Response) error {
	req := resp.Request
	if resp.StatusCode != http.StatusOK || req == nil || req.Body == nil {
		return nil
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "xml") {
		return nil
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if !bytes.Contains(data, []byte("AssumeRoleResponse")) {
		return nil
	}
	var out struct {
		Result struct {
			Credentials struct {
				AccessKeyID string `xml:"AccessKeyId"`
			} `xml:"Credentials"`
			User struct {
				Arn string `xml:"Arn"`
			} `xml:"AssumedRoleUser"`
		} `xml:"AssumeRoleResult"`
	}
	if xml.Unmarshal(data, &out) != nil {
		return nil
	}
	if m := arnAccountRe.FindStringSubmatch(out.Result.User.Arn); m != nil {
		p.mu.Lock()
		p.keys[out.Result.Credentials.AccessKeyID] = m[1]
		p.mu.Unlock()
	}
	return nil
}

func contentType(jsonProtocol bool) string {
	if jsonProtocol {
		return "application/x-amz-json-1.1"
	}
	return "text/xml"
}

// writeBody answers HTTP 200 with body and a Content-Length that matches
// it.
func writeBody(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, jsonProtocol bool, status int, code, message string) {
	if status == 0 {
		status = http.StatusBadRequest
	}
	if code == "" {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, message)
		return
	}
	if jsonProtocol {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, message)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
		xmlEscape(code), xmlEscape(message))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
