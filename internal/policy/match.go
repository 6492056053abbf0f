package policy

// MatchesAction reports whether the statement's Action element matches
// action (or its NotAction element does not), ignoring its Resource,
// Principal and Condition elements. Actions compare case-insensitively,
// with '*' and '?' wildcards. Callers use it to index which statements
// could take part in a request before evaluating it.
func (s *Statement) MatchesAction(action string) bool {
	matched := false
	for i := range s.actions {
		if s.actions[i].match(action, true) {
			matched = true
			break
		}
	}
	return matched != (s.NotAction != nil)
}

// MayMatchResource reports whether the statement's Resource (or
// NotResource) element can cover resource: it matches, a policy variable
// in it depends on the request, or the statement has neither element. It
// is false only when no request for resource can match, so it is a safe
// prefilter before Evaluate.
func (s *Statement) MayMatchResource(resource string) bool {
	if len(s.resources) == 0 {
		return true
	}
	t := triFalse
	for i := range s.resources {
		t = or(t, s.resources[i].matchTri(resource, false, allUnknown{}))
		if t == triTrue {
			break
		}
	}
	if s.NotResource != nil {
		t = not(t)
	}
	return t != triFalse
}

// allUnknown is a lookuper for which every key is unknown.
type allUnknown struct{}

func (allUnknown) lookup(string) ([]string, KeyState) { return nil, KeyUnknown }
