package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	keys := Keys()
	for _, k := range []string{"identity_account", "environments", "vendors", "thresholds", "rules", "exceptions", "disable", "severity", "rule", "resource", "reason", "owner", "expires", "version"} {
		if !slices.Contains(keys, k) {
			t.Errorf("Keys() misses %s: %v", k, keys)
		}
	}
}

func TestWithSuggestions(t *testing.T) {
	_, err := Parse([]byte("identity_acount: \"123456789012\"\n"))
	if err == nil {
		t.Fatal("unknown key accepted")
	}
	got := WithSuggestions(err, nil).Error()
	if !strings.Contains(got, "unknown key identity_acount (did you mean identity_account?)") {
		t.Errorf("no suggestion for the key: %s", got)
	}
	got = WithSuggestions(errors.New(`line 3: unknown threshold "role_unsued_days" (known: ...)`), nil).Error()
	if !strings.Contains(got, `"role_unsued_days" (did you mean role_unused_days?)`) {
		t.Errorf("no suggestion for the threshold: %s", got)
	}
	got = WithSuggestions(errors.New(`line 5: rules.disable: unknown rule id "OA-IAM-04"`), []string{"OA-IAM-004", "OA-ROOT-001"}).Error()
	if !strings.HasSuffix(got, `"OA-IAM-04" (did you mean OA-IAM-004?)`) {
		t.Errorf("no suggestion for the rule: %s", got)
	}
	already := errors.New(`unknown rule id "oa-iam-004" (did you mean OA-IAM-004?)`)
	if got := WithSuggestions(already, []string{"OA-IAM-004"}); got.Error() != already.Error() {
		t.Errorf("suggested twice: %s", got)
	}
	plain := errors.New("read config: no such file")
	if got := WithSuggestions(plain, nil); !errors.Is(got, plain) || got.Error() != plain.Error() {
		t.Error("an error without unknown names should be returned as is")
	}
}
