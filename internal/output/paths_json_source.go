package output

import (
	"strconv"

	"github.com/orgaudit/orgaudit/internal/policy"
)

// The sources of the paths JSON report written by hand: every byte is the
// one encoding/json writes (TestPathsJSONMatchesEncoder,
// TestPathsJSONWriterEscapes), several times faster. Objects start on a
// line beginning with prefix; their fields are indented one level more.

// appendKey appends a field's key after the previous field: comma, new
// line, indent in.
func appendKey(b []byte, in, key string) []byte {
	b = append(b, ",\n"...)
	b = append(b, in...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, `": `...)
}

// appendFirstKey appends an object's opening brace and its first key.
func appendFirstKey(b []byte, in, key string) []byte {
	b = append(b, "{\n"...)
	b = append(b, in...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, `": `...)
}

// appendClose appends the end of an object whose line starts with prefix.
func appendClose(b []byte, prefix string) []byte {
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, '}')
}

// appendList appends items (null when nil), each by item.
func appendList[T any](b []byte, items []T, prefix string, item func([]byte, T, string) []byte) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	return appendIndented(b, items, '[', ']', prefix, item)
}

func (s *jsonStream) appendStringItem(b []byte, str string, _ string) []byte {
	return s.appendString(b, str)
}

// appendSource appends a source of the paths report.
func (s *jsonStream) appendSource(b []byte, v *jsonSource, prefix string) []byte {
	in := indent(prefix)
	b = appendFirstKey(b, in, "id")
	b = s.appendString(b, v.ID)
	b = appendKey(b, in, "kind")
	b = s.appendString(b, string(v.Kind))
	b = appendKey(b, in, "name")
	b = s.appendString(b, v.Name)
	if v.AccountID != "" {
		b = appendKey(b, in, "account_id")
		b = s.appendString(b, v.AccountID)
	}
	if v.AccountName != "" {
		b = appendKey(b, in, "account_name")
		b = s.appendString(b, v.AccountName)
	}
	b = appendKey(b, in, "external")
	b = strconv.AppendBool(b, v.External)
	if v.MFADevice != "" {
		b = appendKey(b, in, "mfa_device")
		b = s.appendString(b, v.MFADevice)
	}
	b = appendKey(b, in, "hops")
	b = strconv.AppendInt(b, int64(v.Hops), 10)
	b = appendKey(b, in, "paths")
	b = strconv.AppendUint(b, v.Paths, 10)
	b = appendKey(b, in, "paths_at_least")
	b = strconv.AppendBool(b, v.PathsAtLeast)
	b = appendKey(b, in, "mfa_required")
	b = strconv.AppendBool(b, v.MFARequired)
	b = appendKey(b, in, "escalation_required")
	b = strconv.AppendBool(b, v.EscalationRequired)
	b = appendKey(b, in, "path")
	b = appendList(b, v.Path, in, s.appendHop)
	b = appendKey(b, in, "path_without_mfa")
	b = appendList(b, v.PathWithoutMFA, in, s.appendHop)
	if v.BlockedBy != "" {
		b = appendKey(b, in, "blocked_by")
		b = s.appendString(b, v.BlockedBy)
	}
	return appendClose(b, prefix)
}

// appendHop appends a hop of a source's path.
func (s *jsonStream) appendHop(b []byte, h jsonHop, prefix string) []byte {
	in := indent(prefix)
	b = appendFirstKey(b, in, "from")
	b = s.appendString(b, h.From)
	b = appendKey(b, in, "to")
	b = s.appendString(b, h.To)
	b = appendKey(b, in, "kind")
	b = s.appendString(b, string(h.Kind))
	b = appendKey(b, in, "action")
	b = s.appendString(b, h.Action)
	b = appendKey(b, in, "mfa")
	b = strconv.AppendBool(b, h.MFA)
	if h.Via != "" {
		b = appendKey(b, in, "via")
		b = s.appendString(b, h.Via)
	}
	b = appendKey(b, in, "conditions")
	cin := indent(in)
	b = appendFirstKey(b, cin, "allowed_when")
	b = appendList(b, h.Conditions.AllowedWhen, cin, s.appendClauses)
	b = appendKey(b, cin, "denied_when")
	b = appendList(b, h.Conditions.DeniedWhen, cin, s.appendClauses)
	b = appendClose(b, in)
	if ev := h.Evidence; ev != nil {
		b = appendKey(b, in, "evidence")
		ein := indent(in)
		b = appendFirstKey(b, ein, "actions")
		b = appendList(b, ev.Actions, ein, s.appendStringItem)
		b = appendKey(b, ein, "resource")
		b = s.appendString(b, ev.Resource)
		if ev.Service != "" {
			b = appendKey(b, ein, "service")
			b = s.appendString(b, ev.Service)
		}
		if ev.Note != "" {
			b = appendKey(b, ein, "note")
			b = s.appendString(b, ev.Note)
		}
		b = appendKey(b, ein, "statements")
		b = appendList(b, ev.Statements, ein, s.appendStatement)
		b = appendClose(b, in)
	}
	if h.Incomplete {
		b = appendKey(b, in, "incomplete")
		b = append(b, "true"...)
	}
	if h.BlockedBy != "" {
		b = appendKey(b, in, "blocked_by")
		b = s.appendString(b, h.BlockedBy)
	}
	return appendClose(b, prefix)
}

// appendClauses appends a set of condition clauses.
func (s *jsonStream) appendClauses(b []byte, set []policy.Clause, prefix string) []byte {
	return appendList(b, set, prefix, func(b []byte, c policy.Clause, prefix string) []byte {
		in := indent(prefix)
		b = appendFirstKey(b, in, "operator")
		b = s.appendString(b, c.Operator)
		b = appendKey(b, in, "key")
		b = s.appendString(b, c.Key)
		b = appendKey(b, in, "values")
		b = appendList(b, c.Values, in, s.appendStringItem)
		return appendClose(b, prefix)
	})
}

// appendStatement appends a statement of an escalation hop's evidence.
func (s *jsonStream) appendStatement(b []byte, r policy.StatementRef, prefix string) []byte {
	in := indent(prefix)
	b = appendFirstKey(b, in, "policy")
	b = s.appendString(b, r.Policy)
	b = appendKey(b, in, "type")
	b = s.appendString(b, string(r.Type))
	if r.Level != 0 {
		b = appendKey(b, in, "level")
		b = strconv.AppendInt(b, int64(r.Level), 10)
	}
	b = appendKey(b, in, "index")
	b = strconv.AppendInt(b, int64(r.Index), 10)
	if r.Sid != "" {
		b = appendKey(b, in, "sid")
		b = s.appendString(b, r.Sid)
	}
	b = appendKey(b, in, "effect")
	b = s.appendString(b, string(r.Effect))
	return appendClose(b, prefix)
}
