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
	return appendKeyAfter(b, ",\n", in, key)
}

// appendFirstKey appends an object's opening brace and its first key.
func appendFirstKey(b []byte, in, key string) []byte {
	return appendKeyAfter(b, "{\n", in, key)
}

// appendKeyAfter appends before, the indent in and a key.
func appendKeyAfter(b []byte, before, in, key string) []byte {
	b = append(b, before...)
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

// appendStringField appends a string field after the previous one;
// omitEmpty leaves it out when empty.
func (s *jsonStream) appendStringField(b []byte, in, key, v string, omitEmpty bool) []byte {
	if omitEmpty && v == "" {
		return b
	}
	return s.appendString(appendKey(b, in, key), v)
}

// appendBoolField appends a boolean field after the previous one.
func appendBoolField(b []byte, in, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, in, key), v)
}

// appendStringItem appends str as a list element (lists of strings need
// no prefix).
func (s *jsonStream) appendStringItem(b []byte, str string, _ string) []byte {
	return s.appendString(b, str)
}

// appendSource appends a source of the paths report.
func (s *jsonStream) appendSource(b []byte, v *jsonSource, prefix string) []byte {
	in := indent(prefix)
	b = appendFirstKey(b, in, "id")
	b = s.appendString(b, v.ID)
	b = s.appendStringField(b, in, "kind", string(v.Kind), false)
	b = s.appendStringField(b, in, "name", v.Name, false)
	b = s.appendStringField(b, in, "account_id", v.AccountID, true)
	b = s.appendStringField(b, in, "account_name", v.AccountName, true)
	b = appendBoolField(b, in, "external", v.External)
	b = s.appendStringField(b, in, "mfa_device", v.MFADevice, true)
	b = appendKey(b, in, "hops")
	b = strconv.AppendInt(b, int64(v.Hops), 10)
	b = appendKey(b, in, "paths")
	b = strconv.AppendUint(b, v.Paths, 10)
	b = appendBoolField(b, in, "paths_at_least", v.PathsAtLeast)
	b = appendBoolField(b, in, "mfa_required", v.MFARequired)
	b = appendBoolField(b, in, "escalation_required", v.EscalationRequired)
	b = appendKey(b, in, "path")
	b = appendList(b, v.Path, in, s.appendHop)
	b = appendKey(b, in, "path_without_mfa")
	b = appendList(b, v.PathWithoutMFA, in, s.appendHop)
	b = s.appendStringField(b, in, "blocked_by", v.BlockedBy, true)
	return appendClose(b, prefix)
}

// appendHop appends a hop of a source's path.
func (s *jsonStream) appendHop(b []byte, h jsonHop, prefix string) []byte {
	in := indent(prefix)
	b = appendFirstKey(b, in, "from")
	b = s.appendString(b, h.From)
	b = s.appendStringField(b, in, "to", h.To, false)
	b = s.appendStringField(b, in, "kind", string(h.Kind), false)
	b = s.appendStringField(b, in, "action", h.Action, false)
	b = appendBoolField(b, in, "mfa", h.MFA)
	b = s.appendStringField(b, in, "via", h.Via, true)
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
		b = s.appendStringField(b, ein, "resource", ev.Resource, false)
		b = s.appendStringField(b, ein, "service", ev.Service, true)
		b = s.appendStringField(b, ein, "note", ev.Note, true)
		b = appendKey(b, ein, "statements")
		b = appendList(b, ev.Statements, ein, s.appendStatement)
		b = appendClose(b, in)
	}
	if h.Incomplete {
		b = appendBoolField(b, in, "incomplete", true)
	}
	b = s.appendStringField(b, in, "blocked_by", h.BlockedBy, true)
	return appendClose(b, prefix)
}

// appendClauses appends a set of condition clauses.
func (s *jsonStream) appendClauses(b []byte, set []policy.Clause, prefix string) []byte {
	return appendList(b, set, prefix, func(b []byte, c policy.Clause, prefix string) []byte {
		in := indent(prefix)
		b = appendFirstKey(b, in, "operator")
		b = s.appendString(b, c.Operator)
		b = s.appendStringField(b, in, "key", c.Key, false)
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
	b = s.appendStringField(b, in, "type", string(r.Type), false)
	if r.Level != 0 {
		b = appendKey(b, in, "level")
		b = strconv.AppendInt(b, int64(r.Level), 10)
	}
	b = appendKey(b, in, "index")
	b = strconv.AppendInt(b, int64(r.Index), 10)
	b = s.appendStringField(b, in, "sid", r.Sid, true)
	b = s.appendStringField(b, in, "effect", string(r.Effect), false)
	return appendClose(b, prefix)
}
