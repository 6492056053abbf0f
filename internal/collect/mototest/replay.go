package mototest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
)

// recordedAnswer is moto's answer to one request, as the client got it.
type recordedAnswer struct {
	status int
	header http.Header
	body   []byte
}

// scopeRe finds the region and service a request is signed for.
var scopeRe = regexp.MustCompile(`Credential=[^/,]+/[0-9]+/([^/,]+)/([^/,]+)/`)

// replayKey identifies a request whatever its signature and time: the
// service it is signed for, its target (JSON protocols; query protocols
// name the operation in their form), the account it acts in, the method
// and path, and its parameters (query-protocol forms in sorted order,
// other bodies as sent).
func replayKey(r *http.Request, account string, body []byte) string {
	scope := ""
	if m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		scope = m[1] + "/" + m[2]
	}
	params := string(body)
	if r.Header.Get("X-Amz-Target") == "" {
		if vals, err := url.ParseQuery(params); err == nil {
			params = vals.Encode()
		}
	}
	return strings.Join([]string{scope, r.Header.Get("X-Amz-Target"), account, r.Method, r.URL.RequestURI(), params}, "\x00")
}

// Rewind makes a replaying proxy answer the next requests from the start
// of its recording again: the n-th time a request comes after Rewind, it
// gets the answer moto gave the n-th time it was recorded (a polled
// credential report is still in progress, then ready). Call it between
// two collections.
func (p *FaultProxy) Rewind() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.replayed = nil
}

// replay answers r from the recording, or forwards it to moto and records
// the answer.
func (p *FaultProxy) replay(w http.ResponseWriter, r *http.Request, account string, body []byte) {
	key := replayKey(r, account, body)
	p.mu.Lock()
	if p.recorded == nil {
		p.recorded = map[string][]recordedAnswer{}
	}
	if p.replayed == nil {
		p.replayed = map[string]int{}
	}
	n := p.replayed[key]
	p.replayed[key]++
	answers := p.recorded[key]
	ok := n < len(answers)
	var ans recordedAnswer
	if ok {
		ans = answers[n]
		p.counts["replayed"]++
	} else {
		p.counts["recorded"]++
	}
	p.mu.Unlock()
	if !ok {
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r)
		ans = recordedAnswer{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
		p.mu.Lock()
		// Concurrent repeats of one request are recorded in the order
		// their answers come.
		p.recorded[key] = append(p.recorded[key], ans)
		p.mu.Unlock()
	}
	maps.Copy(w.Header(), ans.header)
	w.WriteHeader(ans.status)
	_, _ = w.Write(ans.body)
}
