package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestParsePolicyDocument(t *testing.T) {
	plain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}`
	encoded := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb/%2A%22%7D%5D%7D"
	spaced := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n}"
	for name, tc := range map[string]struct {
		in, want string
	}{
		"plain JSON":                  {plain, plain},
		"URL-encoded keeps a plus":    {encoded, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}`},
		"literal plus is not space":   {strings.ReplaceAll(encoded, "%2B", "+"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}`},
		"compacted, statement object": {spaced, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parsePolicyDocument(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
		})
	}
	for name, in := range map[string]string{
		"empty":          "",
		"not JSON":       "%7Bnope",
		"no statement":   `{"Version":"2012-10-17"}`,
		"string stmt":    `{"Statement":"x"}`,
		"bad escape":     "%ZZ",
		"array document": `[{"Statement":[]}]`,
	} {
		if _, err := parsePolicyDocument(in); err == nil {
			t.Errorf("%s: parsePolicyDocument(%q) succeeded", name, in)
		}
	}
}

func TestPolicyNames(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::aws:policy/AdministratorAccess":                 "AdministratorAccess",
		"arn:aws:iam::aws:policy/service-role/AWSConfigRole":          "AWSConfigRole",
		"arn:aws:iam::123456789012:policy/boundaries/deploy-boundary": "deploy-boundary",
		"arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess":               "ReadOnlyAccess",
	} {
		if got := policyNameFromARN(arn); got != want {
			t.Errorf("policyNameFromARN(%s) = %s, want %s", arn, got, want)
		}
	}
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AdministratorAccess":            true,
		"arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess": true,
		"arn:aws:iam::123456789012:policy/aws":                   false,
		"arn:aws:iam::123456789012:policy/x":                     false,
		"AdministratorAccess":                                    false,
	} {
		if got := isAWSManagedPolicy(arn); got != want {
			t.Errorf("isAWSManagedPolicy(%s) = %v", arn, got)
		}
	}
}

const sampleReport = `user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
zed,arn:aws:iam::111111111111:user/zed,2024-01-02T03:04:05+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
<root_account>,arn:aws:iam::111111111111:root,2020-05-01T10:00:00+00:00,not_supported,2024-06-01T08:00:00+00:00,not_supported,not_supported,true,true,2021-01-01T00:00:00+00:00,2024-05-30T12:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::111111111111:user/alice,2023-01-01T00:00:00+00:00,true,no_information,2023-01-01T00:00:00+00:00,2024-01-01T00:00:00+00:00,true,true,2023-02-01T00:00:00+00:00,N/A,N/A,N/A,true,2023-03-01T00:00:00+00:00,2024-04-01T00:00:00+00:00,eu-west-1,iam,true,2023-01-01T00:00:00+00:00,false,N/A
`

func TestParseCredentialReport(t *testing.T) {
	rows, err := parseCredentialReport([]byte(sampleReport))
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, r := range rows {
		users = append(users, r.User)
	}
	if got := strings.Join(users, ","); got != "<root_account>,alice,zed" {
		t.Fatalf("row order %s, want root first then by name", got)
	}
	root := rows[0]
	if root.ARN != "arn:aws:iam::111111111111:root" || root.PasswordEnabled || !root.MFAActive {
		t.Errorf("root row: %+v", root)
	}
	if root.PasswordLastUsed == nil || root.PasswordLastUsed.Format(time.RFC3339) != "2024-06-01T08:00:00Z" {
		t.Errorf("root password_last_used = %v", root.PasswordLastUsed)
	}
	if root.PasswordLastChanged != nil || root.PasswordNextRotate != nil {
		t.Errorf("not_supported dates must be absent: %+v", root)
	}
	if k := root.AccessKeys[0]; !k.Active || k.LastUsedService != "s3" || k.LastUsedRegion != "us-east-1" || k.LastUsed == nil {
		t.Errorf("root key 1: %+v", k)
	}
	alice := rows[1]
	if !alice.PasswordEnabled || alice.PasswordLastUsed != nil || !alice.Cert1Active || alice.Cert2Active {
		t.Errorf("alice: %+v", alice)
	}
	if k := alice.AccessKeys[0]; !k.Active || k.LastUsed != nil || k.LastUsedRegion != "" || k.LastUsedService != "" {
		t.Errorf("alice key 1 (N/A must be absent): %+v", k)
	}
	if k := alice.AccessKeys[1]; k.Slot != 2 || !k.Active || k.LastUsedService != "iam" {
		t.Errorf("alice key 2: %+v", k)
	}
	zed := rows[2]
	if len(zed.AccessKeys) != 2 || zed.AccessKeys[0].Active || zed.AccessKeys[0].LastRotated != nil {
		t.Errorf("zed: %+v", zed)
	}
	// Reordered columns are found by name.
	lines := strings.Split(strings.TrimSpace(sampleReport), "\n")
	swapped := make([]string, len(lines))
	for i, l := range lines {
		f := strings.Split(l, ",")
		f[0], f[1] = f[1], f[0]
		swapped[i] = strings.Join(f, ",")
	}
	rows2, err := parseCredentialReport([]byte(strings.Join(swapped, "\n")))
	if err != nil || rows2[0].User != snapshot.RootUserName {
		t.Errorf("reordered columns: %v %+v", err, rows2)
	}
	for _, bad := range []string{"", "foo,bar\n1,2\n"} {
		if _, err := parseCredentialReport([]byte(bad)); err == nil {
			t.Errorf("parseCredentialReport(%q) succeeded", bad)
		}
	}
}

func TestRedact(t *testing.T) {
	rememberCredentials(aws.Credentials{AccessKeyID: "AKIAUNITTESTKEY00001", SecretAccessKey: "s3cr3t/Value+with=chars", SessionToken: "FQoGZXIvYXdzEXAMPLETOKEN"})
	in := "key AKIAUNITTESTKEY00001 secret s3cr3t/Value+with=chars token FQoGZXIvYXdzEXAMPLETOKEN other ASIAQWERTYUIOPASDFGH " +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAX/2024/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0123abcdef " +
		"url?X-Amz-Security-Token=abc%2Fdef&X-Amz-Credential=foo"
	out := redact(in)
	for _, leak := range []string{"AKIAUNITTESTKEY00001", "s3cr3t/Value+with=chars", "FQoGZXIvYXdzEXAMPLETOKEN", "ASIAQWERTYUIOPASDFGH", "0123abcdef", "abc%2Fdef", "AKIAX/"} {
		if strings.Contains(out, leak) {
			t.Errorf("redact left %q in %q", leak, out)
		}
	}
	if !strings.Contains(redact("role AROAR436G3CHXLVK2RVNI"), "AROAR436G3CHXLVK2RVNI") {
		t.Error("redact removed a role id, which is not a credential")
	}
	err := redactErr(fmt.Errorf("wrapped: %w", errors.New("secret s3cr3t/Value+with=chars")))
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("redactErr: %v", err)
	}
}

func TestClassify(t *testing.T) {
	code, msg := classify(fmt.Errorf("op: %w", &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::1:user/x is not authorized"}))
	if code != "AccessDenied" || !strings.Contains(msg, "not authorized") {
		t.Errorf("api error: %s %s", code, msg)
	}
	code, _ = classify(context.DeadlineExceeded)
	if code != CodeTimeout {
		t.Errorf("deadline: %s", code)
	}
	code, msg = classify(errors.New("boom"))
	if code != "Error" || msg != "boom" {
		t.Errorf("plain: %s %s", code, msg)
	}
	answered := func(status int, err error) error {
		return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}
	}
	for name, tc := range map[string]struct {
		err       error
		code      string
		retryable bool
	}{
		"truncated 200":   {answered(200, &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}), CodeUnparseable, true},
		"empty 200":       {answered(200, &UnparseableResponseError{Reason: "an empty body"}), CodeUnparseable, true},
		"HTML 500":        {answered(500, &smithy.DeserializationError{Err: errors.New("invalid character '<'")}), "HTTP500", true},
		"attempt timeout": {&smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "http://x", Err: timeoutErr{}}}, CodeTimeout, true},
		"call deadline":   {fmt.Errorf("op: %w", context.DeadlineExceeded), CodeTimeout, true}, // the retry loop stops at the context,
	} {
		code, _ := classify(tc.err)
		if code != tc.code {
			t.Errorf("%s: code %s, want %s", name, code, tc.code)
		}
		retryables := retry.IsErrorRetryables(append(slices.Clone(retry.DefaultRetryables), retry.IsErrorRetryableFunc(retryUnparseable)))
		if got := retryables.IsErrorRetryable(tc.err) == aws.TrueTernary; got != tc.retryable {
			t.Errorf("%s: retried %v, want %v", name, got, tc.retryable)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func TestOptionsValidate(t *testing.T) {
	good := Options{Accounts: []string{"111111111111"}, Concurrency: 4, EndpointURL: "http://127.0.0.1:5000"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]Options{
		"short account": {Accounts: []string{"1234"}},
		"letters":       {Accounts: []string{"12345678901a"}},
		"concurrency":   {Concurrency: MaxConcurrency + 1},
		"negative":      {Concurrency: -1},
		"role name":     {RoleName: "a role"},
		"endpoint":      {EndpointURL: "127.0.0.1:5000"},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, o)
		}
	}
}

// TestAuditRolePolicyFile keeps docs/audit-role-policy.json equal to the
// allowlist. Regenerate it with ORGAUDIT_UPDATE_POLICY=1.
func TestAuditRolePolicyFile(t *testing.T) {
	const path = "../../docs/audit-role-policy.json"
	want := AuditRolePolicy()
	if os.Getenv("ORGAUDIT_UPDATE_POLICY") == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("%s is not a policy document: %v", path, err)
	}
	var actions []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement with effect %s", s.Effect)
		}
		actions = append(actions, s.Action...)
	}
	sort.Strings(actions)
	if !reflect.DeepEqual(actions, AllowedActions()) {
		t.Errorf("%s grants %v\nallowlist is %v", path, actions, AllowedActions())
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from AuditRolePolicy(); run ORGAUDIT_UPDATE_POLICY=1 go test ./internal/collect -run TestAuditRolePolicyFile", path)
	}
}

// TestAllowlistNamesRealOperations guards against typos: every allowlisted
// operation is a method of its service's client.
func TestAllowlistNamesRealOperations(t *testing.T) {
	clients := map[string]any{
		"IAM":            &iam.Client{},
		"Organizations":  &organizations.Client{},
		"STS":            &sts.Client{},
		"SSO Admin":      &ssoadmin.Client{},
		"identitystore":  &identitystore.Client{},
		"Account":        &account.Client{},
		"AccessAnalyzer": &accessanalyzer.Client{},
	}
	for _, s := range allowlist {
		c, ok := clients[s.serviceID]
		if !ok {
			t.Errorf("no client for service %q", s.serviceID)
			continue
		}
		for _, op := range s.operations {
			if _, ok := reflect.TypeOf(c).MethodByName(op); !ok {
				t.Errorf("%s has no operation %s", s.serviceID, op)
			}
			if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") &&
				op != "GenerateCredentialReport" && op != "AssumeRole" {
				t.Errorf("%s %s is not a read operation", s.serviceID, op)
			}
		}
	}
}

// TestAllowlistBlocksBeforeSending: a write through a collector-configured
// client fails without any request reaching the server, while an allowed
// read does reach it.
func TestAllowlistBlocksBeforeSending(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>3</value></entry></SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNITTESTKEY00002")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "unit-secret")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
	cfg, err := NewAWSConfig(context.Background(), Options{EndpointURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ic := iam.NewFromConfig(cfg)
	ctx := context.Background()
	writes := []func() error{
		func() error {
			_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
			return err
		},
		func() error {
			_, err := ic.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Admin")})
			return err
		},
		func() error {
			_, err := ic.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Admin"), PolicyDocument: aws.String("{}")})
			return err
		},
		func() error {
			_, err := organizations.NewFromConfig(cfg).LeaveOrganization(ctx, &organizations.LeaveOrganizationInput{})
			return err
		},
		func() error {
			_, err := sts.NewFromConfig(cfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			return err
		},
		func() error {
			_, err := ssoadmin.NewFromConfig(cfg).DeletePermissionSet(ctx, &ssoadmin.DeletePermissionSetInput{InstanceArn: aws.String("a"), PermissionSetArn: aws.String("b")})
			return err
		},
	}
	for i, w := range writes {
		if err := w(); !errors.Is(err, ErrOperationNotAllowed) {
			t.Errorf("write %d: got %v, want ErrOperationNotAllowed", i, err)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d blocked requests reached the server", n)
	}
	out, err := ic.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatalf("allowed read failed: %v", err)
	}
	if out.SummaryMap["Users"] != 3 || requests.Load() != 1 {
		t.Errorf("allowed read: %v, %d requests", out.SummaryMap, requests.Load())
	}
}
