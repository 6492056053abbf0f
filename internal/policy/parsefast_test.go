package policy

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// sameDocument reports whether two parsed documents are equal, element
// by element and in their compiled form (NaN condition values, which
// reflect.DeepEqual never finds equal, compare by their text).
func sameDocument(a, b *Document) bool {
	return reflect.DeepEqual(a, b) || dumpDocument(a) == dumpDocument(b)
}

func dumpDocument(d *Document) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%q %q %v %d|", d.Version, d.ID, d.vars, len(d.Statements))
	for _, s := range d.Statements {
		fmt.Fprintf(&sb, "%+v|", *s)
		for _, p := range []*Principal{s.Principal, s.NotPrincipal} {
			if p != nil {
				fmt.Fprintf(&sb, "%+v|", *p)
			}
		}
		for _, c := range s.Conditions {
			fmt.Fprintf(&sb, "%+v|", *c)
		}
	}
	return sb.String()
}

// checkFast: where parseFast accepts a text, the slow way accepts it too
// and gives the same document.
func checkFast(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	d, ok := parseFast(data)
	if !ok {
		return false
	}
	want, err := parseSlow(data)
	if err != nil {
		t.Fatalf("%s: the fast parse accepts what the slow one refuses (%v)", data, err)
	}
	if !sameDocument(d, want) {
		t.Fatalf("%s: fast parse\n%s\nslow parse\n%s", data, dumpDocument(d), dumpDocument(want))
	}
	return true
}

// TestParseFastMatchesSlow runs checkFast over the case corpus and
// texts at the edges of the grammar; the usual documents take the fast
// way, the unusual ones (nulls, duplicates, errors) the slow one.
func TestParseFastMatchesSlow(t *testing.T) {
	fast := 0
	docs := seedDocuments(t)
	for _, d := range docs {
		if checkFast(t, d) {
			fast++
		}
	}
	if fast < len(docs)/2 {
		t.Errorf("only %d of %d corpus documents take the fast way", fast, len(docs))
	}
	for _, tc := range []struct {
		doc  string
		fast bool
	}{
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`, true},
		{` {"Id":"x","Statement":[{"Sid":"a","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":[3600, 1e3, -0]},"Bool":{"aws:SecureTransport":false}}}]} `, true},
		{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/r","*"],"Service":"ec2.amazonaws.com","Federated":["cognito-identity.amazonaws.com"],"CanonicalUser":"abc"},"Action":"sts:AssumeRole","Condition":{}}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{}}}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:\u0047et*","Resource":"arn:aws:s3:::\"q\"\\"}]}`, true},
		{`{"Statement":[]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}`, true},
		// The slow way: nulls, duplicates, errors, text after the document.
		{`{"Version":null,"Statement":[]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":["s3:*",null],"Resource":"*"}]}`, false},
		{`{"Statement":[],"Statement":[]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Action":"*","Resource":"*"}]}`, false},
		{`{"Statement":[]} {}`, false},
		{`{"Statement":[]}x`, false},
		{`{"Statement":[{"Effect":"allow","Action":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"s3","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":""}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":"x"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":"nope"}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"Other":"x"}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Nope":{"k":"v"}}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"":"v"}}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Extra":1}]}`, false},
		{`{"Version":"2020-01-01","Statement":[]}`, false},
		{`{"Version":"2012-10-17"}`, false},
		{`{"Statement":"x"}`, false},
		{"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"\xff\"}]}", false},
		{`[]`, false},
		{`null`, false},
		{``, false},
	} {
		if got := checkFast(t, []byte(tc.doc)); got != tc.fast {
			t.Errorf("%s: fast %v, want %v", tc.doc, got, tc.fast)
		}
		if _, err := Parse([]byte(tc.doc)); tc.fast && err != nil {
			t.Errorf("%s: Parse: %v", tc.doc, err)
		}
	}
}

// FuzzParseFast: on any text, parseFast either declines or gives the
// document the slow way gives.
func FuzzParseFast(f *testing.F) {
	for _, d := range seedDocuments(f) {
		f.Add(d)
	}
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"k":[1,true,"NaN"]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}
