package collect

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// parseCredentialReport parses the CSV of an IAM credential report. Columns
// are found by header name, so reordered or added columns are fine. Values
// the report uses for "nothing to say" (N/A, no_information,
// not_supported) become absent dates, false booleans and empty strings.
// Rows are sorted: the root user first, then by user name.
func parseCredentialReport(content []byte) ([]snapshot.CredentialReportRow, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("credential report is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("read credential report header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"user", "arn"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("credential report has no %q column", need)
		}
	}
	rows := []snapshot.CredentialReportRow{}
	line := 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return nil, fmt.Errorf("read credential report line %d: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		row := snapshot.CredentialReportRow{
			User:                get("user"),
			ARN:                 get("arn"),
			UserCreationTime:    reportTime(get("user_creation_time")),
			PasswordEnabled:     reportBool(get("password_enabled")),
			PasswordLastUsed:    reportTime(get("password_last_used")),
			PasswordLastChanged: reportTime(get("password_last_changed")),
			PasswordNextRotate:  reportTime(get("password_next_rotation")),
			MFAActive:           reportBool(get("mfa_active")),
			Cert1Active:         reportBool(get("cert_1_active")),
			Cert2Active:         reportBool(get("cert_2_active")),
		}
		for slot := 1; slot <= 2; slot++ {
			p := fmt.Sprintf("access_key_%d_", slot)
			row.AccessKeys = append(row.AccessKeys, snapshot.AccessKey{
				Slot:            slot,
				Active:          reportBool(get(p + "active")),
				LastRotated:     reportTime(get(p + "last_rotated")),
				LastUsed:        reportTime(get(p + "last_used_date")),
				LastUsedService: reportString(get(p + "last_used_service")),
				LastUsedRegion:  reportString(get(p + "last_used_region")),
			})
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, rj := rows[i].User == snapshot.RootUserName, rows[j].User == snapshot.RootUserName
		if ri != rj {
			return ri
		}
		return rows[i].User < rows[j].User
	})
	return rows, nil
}

// noValue tells whether a credential report cell says "nothing here".
func noValue(v string) bool {
	switch strings.ToLower(v) {
	case "", "n/a", "no_information", "not_supported":
		return true
	}
	return false
}

func reportString(v string) string {
	if noValue(v) {
		return ""
	}
	return v
}

func reportBool(v string) bool {
	return strings.EqualFold(v, "true")
}

func reportTime(v string) *time.Time {
	if noValue(v) {
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}
