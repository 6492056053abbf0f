package mototest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// restOperations names the operations of REST-JSON services (AWS Account
// Management, IAM Access Analyzer), which carry no X-Amz-Target header:
// method and path tell them apart.
var restOperations = map[string]string{
	"POST /getAlternateContact": "GetAlternateContact",
	"POST /putAlternateContact": "PutAlternateContact",
	"POST /listRegions":         "ListRegions",
	"GET /analyzer":             "ListAnalyzers",
}

// restOperation names the REST-JSON operation of r, or "".
func restOperation(r *http.Request) string {
	return restOperations[r.Method+" "+strings.TrimSuffix(r.URL.Path, "/")]
}

// bodyAccountID is the AccountId member of a JSON request body: the
// account an AWS Account Management call from the management account is
// about ("" when it names none, that is the caller's own account).
func bodyAccountID(body []byte) string {
	var in struct {
		AccountID string `json:"AccountId"`
	}
	if json.Unmarshal(body, &in) != nil {
		return ""
	}
	return in.AccountID
}
