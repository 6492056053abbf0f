package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// pdoc is a parsed policy document shared by every policy with the same
// text.
type pdoc struct {
	doc *policy.Document
	id  int32
	// sensitive: the document looks at principal-specific keys, so one
	// evaluation cannot stand for a class of principals.
	sensitive bool
	// acctSensitive: the document looks at keys that differ between
	// accounts only (aws:PrincipalAccount, aws:PrincipalOrgPaths): one
	// evaluation stands for the principals of one account.
	acctSensitive bool
	// assumeID numbers the canonical text of the statements that can
	// take part in an sts:AssumeRole request (assumeKey; 0 when none
	// can): documents with the same number decide every role assumption
	// alike.
	assumeID int32
}

// principal is an IAM principal of the snapshot (user, role, or
// provisioned Identity Center role) as a caller and, for roles, as a
// target.
type principal struct {
	node          int32
	kind          NodeKind
	arn, account  string
	identity      []policy.Policy
	identityIDs   []int32
	boundary      []policy.Policy
	boundaryIDs   []int32
	tags          map[string]string
	mfa           string
	userID        string
	serviceLinked bool
	sensitive     bool
	// trustMFA says whether a role's trust or its account's RCPs look
	// at MFA, once latentEdges has read them.
	trustMFA int8
	cls      *bclass
	trust    *pdoc // roles only
	// escUnit groups the principals one escalation evaluation decides:
	// same documents, boundary, SCPs, tags and MFA state, same account
	// (classify numbers the distinct keys; -1 before).
	escUnit int32
	// groups are the ARNs of a user's groups; customerPolicies the
	// customer managed policies attached to it (directly or through a
	// group) or to a role.
	groups           []string
	customerPolicies []string
	// console says whether a user has a password (credential report).
	console int8
	// profiles are the ARNs of the instance profiles holding a role; nil
	// when the snapshot does not say.
	profiles []string
	// admin: the principal holds "*" on "*" (set by escalations).
	admin bool
	// variantOf is the user a user-in-group principal stands for.
	variantOf *principal
}

// States of principal.trustMFA.
const (
	mfaUnread int8 = iota
	mfaNotMentioned
	mfaMentioned
)

// Console states of a user (principal.console).
const (
	consoleUnknown int8 = iota
	consoleYes
	consoleNo
)

// bclass is a class under construction.
type bclass struct {
	idx       int32
	key       string
	members   []*principal // sorted by ARN once classes are complete
	byAccount map[string][]*principal
	sensitive bool
	grant     *grantGroup // nil: no identity statement may allow sts:AssumeRole
	// accounts caches the keys of byAccount, sorted (sortedAccounts).
	accounts []string
	// nodes are the members' nodes, in members' order, once the members
	// are released (dropCaches).
	nodes []int32
}

// sortedAccounts returns the accounts with members of c, sorted. Members
// are only ever added, so the cache is current while it has as many
// accounts as byAccount.
func (c *bclass) sortedAccounts() []string {
	if len(c.accounts) != len(c.byAccount) {
		c.accounts = slices.Sorted(maps.Keys(c.byAccount))
	}
	return c.accounts
}

// grantGroup gathers classes with the same identity documents, and the
// Allow statements of those documents that may grant sts:AssumeRole.
type grantGroup struct {
	stmts   []*policy.Statement
	classes []*bclass
}

// builder holds the state of one Build.
type builder struct {
	s     *snapshot.Snapshot
	ix    *snapshot.Index
	orgID string
	mgmt  string

	nodes []Node
	byID  map[string]int32

	// docSlots holds every distinct document text the builder met, in
	// the order docIndex numbered them; docHash finds a text's slot by
	// its hash (docSeed), docClash the texts whose hash an earlier text
	// has.
	docSlots []docSlot
	docHash  map[uint64]int32
	docClash map[string]int32
	docSeed  maphash.Seed
	// ahead holds, by account, the principals preparse made for
	// principalsOf (newPrincipals) and the documents it parses, in its
	// order (aheadReads).
	ahead      [][]principal
	aheadReads [][]docRead
	// reads are those of the account principalsOf reads; nextRead is the
	// first one it has not parsed yet; readsMissed counts the documents
	// it parsed that were not the next one (tests).
	reads       []docRead
	nextRead    int
	readsMissed int
	// freshNodes: principalsOf makes the nodes of its principals without
	// looking for one with the same id (principalNode), and indexes
	// their ids on another core when aheadIDs; slowNodes turns that off
	// (tests).
	freshNodes, aheadIDs, slowNodes bool
	docSens                         map[*policy.Document]bool
	docAcctSens                     map[*policy.Document]bool
	docAssume                       map[*policy.Document]int32
	// assumeIDs numbers the distinct assumeKeys of the documents, from 1.
	assumeIDs map[string]int32
	ndocs     int32
	warned    map[string]bool
	warns     []string

	principalTagKeys map[string]bool // lower-case tag keys referenced by any document
	resourceTagKeys  map[string]bool

	scps, rcps map[string][][]policy.Policy // by account id
	orgPaths   map[string]string
	attached   map[string]map[string][]*snapshot.OrgPolicy // type → target → policies

	principals []*principal
	// nodePrincipal holds, by node, the principal whose ARN is the
	// node's id (the last one added with it; see principalByARN).
	nodePrincipal []*principal
	byAccount     map[string][]*principal
	roles         []*principal
	classes       []*bclass
	groups        []*grantGroup
	acctClass     map[string][]*bclass // account → classes with members there
	knownAcct     map[string]bool      // accounts whose IAM data is in the snapshot
	unknownAcc    map[string]bool
	trusts        map[*pdoc]*trustInfo

	edges   []edge
	latent  []edge // latent.go
	cedges  []classEdge
	conds   []Conditions
	condIdx map[string]int32

	grantsNoTr []Mismatch
	trustsNoGr []Mismatch

	// Escalation.
	escIdx        map[string]*escIndex
	evidence      []Evidence
	adminNodes    map[string]int32        // account → administrator node
	trustedBy     map[string][]*principal // account → roles whose trust names it
	wildcardRoles []*principal            // roles whose trust admits any principal
	svcTrust      map[any]svcTrust        // by svcKey and svcAlikeKey
	variants      map[string][]*principal // user ARN → user-in-group principals
	// acctConds caches forAccount; adminAssume caches the assume
	// evaluations of administrator nodes that depend only on the SCPs:
	// by administrator class, by role of wildcardRoles.
	acctConds    map[acctCond]int32
	adminAssume  map[*bclass][]int32
	adminClasses map[string]*bclass
	// Caches of escalation evaluations (see evalAction).
	ctxCache map[ctxKey]*policy.Context
	roleCtxs map[roleCtxKey]*policy.Context // see context
	// callerCtxs and acctCtxs hold the layers of roleCtxs' contexts.
	callerCtxs map[callerCtxKey]*policy.Context
	acctCtxs   map[acctCtxKey]*policy.Context
	// svcCtxs holds the service contexts of the copies (serviceContext).
	svcCtxs map[svcCtxKey]*policy.Context
	// passBuf holds passRoles' lists between methods.
	passBuf struct {
		roles  []*principal
		trusts []Conditions
	}
	// lastTrust is trustPolicy's last answer.
	lastTrust struct {
		r   *principal
		pol *policy.Policy
	}
	evalCache map[evalKey]policy.Result
	invariant map[evalKey]bool
	// bruteForce disables the escalation prefilters and class sharing
	// (tests compare the two).
	bruteForce bool
	// rec, when set, records what the builder finds instead of adding it
	// (a copy of the builder searching roles on another core, see
	// allRoleEdges).
	rec *recorder
	// svcShared replaces svcTrust in the copies (shared by them).
	svcShared *sync.Map
	// capture, when set, keeps warnings instead of giving them;
	// pendingWarns are those of SCPs and RCPs read ahead, by type and
	// account (readOrgPoliciesAhead).
	capture      *[]string
	pendingWarns map[pendingKey][]string
}

// Build builds the access graph of s. Documents that do not parse and
// managed policies missing from the snapshot are reported by
// Graph.Warnings, not as errors.
func Build(s *snapshot.Snapshot) (*Graph, error) {
	if s == nil {
		return nil, errors.New("build access graph: no snapshot")
	}
	return build(s, false), nil
}

// build builds the graph; bruteForce turns off the escalation prefilters
// and class sharing (tests compare both).
func build(s *snapshot.Snapshot, bruteForce bool) *Graph {
	b := newBuilder(s)
	b.bruteForce = bruteForce
	return b.build()
}

// build builds the graph with b's settings.
func (b *builder) build() *Graph {
	b.prepare()
	b.allRoleEdges()
	b.identityCenterEdges()
	b.latentEdges()
	b.escalations()
	b.grantsWithoutTrust()
	b.dropCaches()
	return b.finish()
}

// dropCaches releases what only the edge search needed, before finish
// copies the edges (the peak of a build): the caches, and the principals
// with their parsed documents (the classes keep their members' nodes).
func (b *builder) dropCaches() {
	b.evalCache, b.invariant, b.ctxCache, b.roleCtxs, b.svcTrust, b.escIdx = nil, nil, nil, nil, nil, nil
	b.callerCtxs, b.acctCtxs, b.svcCtxs = nil, nil, nil
	b.acctConds, b.adminAssume, b.trusts = nil, nil, nil
	b.docSlots, b.docHash, b.docClash = nil, nil, nil
	for _, c := range b.classes {
		c.nodes = make([]int32, len(c.members))
		for i, m := range c.members {
			c.nodes[i] = m.node
		}
		c.members, c.byAccount, c.accounts, c.grant = nil, nil, nil, nil
	}
	b.principals, b.nodePrincipal, b.byAccount, b.roles, b.groups, b.acctClass = nil, nil, nil, nil, nil, nil
	b.trustedBy, b.wildcardRoles, b.variants, b.adminClasses = nil, nil, nil, nil
	b.byID, b.condIdx, b.docSens, b.docAcctSens, b.docAssume, b.assumeIDs = nil, nil, nil, nil, nil, nil
	b.scps, b.rcps, b.attached, b.warned = nil, nil, nil, nil
}

func newBuilder(s *snapshot.Snapshot) *builder {
	b := &builder{
		s: s, ix: snapshot.NewIndex(s),
		byID: map[string]int32{}, docHash: map[uint64]int32{}, docClash: map[string]int32{}, docSeed: maphash.MakeSeed(), docSens: map[*policy.Document]bool{}, docAcctSens: map[*policy.Document]bool{}, docAssume: map[*policy.Document]int32{}, assumeIDs: map[string]int32{}, acctConds: map[acctCond]int32{}, adminAssume: map[*bclass][]int32{}, adminClasses: map[string]*bclass{},
		ctxCache: map[ctxKey]*policy.Context{}, roleCtxs: map[roleCtxKey]*policy.Context{}, callerCtxs: map[callerCtxKey]*policy.Context{}, acctCtxs: map[acctCtxKey]*policy.Context{}, evalCache: map[evalKey]policy.Result{}, invariant: map[evalKey]bool{}, warned: map[string]bool{},
		principalTagKeys: map[string]bool{}, resourceTagKeys: map[string]bool{},
		scps: map[string][][]policy.Policy{}, rcps: map[string][][]policy.Policy{}, orgPaths: map[string]string{},
		byAccount: map[string][]*principal{}, acctClass: map[string][]*bclass{},
		knownAcct: map[string]bool{}, unknownAcc: map[string]bool{}, trusts: map[*pdoc]*trustInfo{},
		conds: []Conditions{{}}, condIdx: map[string]int32{"": 0},
		escIdx: map[string]*escIndex{}, adminNodes: map[string]int32{}, trustedBy: map[string][]*principal{},
		svcTrust: map[any]svcTrust{}, variants: map[string][]*principal{},
	}
	// The users and roles make most nodes: the tables holding them are
	// made at their size once, with room for the nodes that usually
	// follow (an administrator node per account, Identity Center users,
	// groups and provisioned roles, users in other groups), so that the
	// node table is not copied when they come.
	n := 0
	for i := range s.Accounts {
		if iam := s.Accounts[i].IAM; iam != nil {
			n += len(iam.Users) + len(iam.Roles)
		}
	}
	more := len(s.Accounts) + n/64 + 64
	if ic := s.Identity; ic != nil {
		more += len(ic.Users) + len(ic.Groups) + len(ic.Assignments)
	}
	b.nodes, b.byID = make([]Node, 0, n+more), make(map[string]int32, n+more)
	b.principals, b.nodePrincipal = make([]*principal, 0, n), make([]*principal, 0, n+more)
	if o := s.Organization; o != nil && s.Metadata.Scope != snapshot.ScopeAccount {
		b.orgID, b.mgmt = o.ID, o.ManagementAccountID
	}
	return b
}

// prepare reads the organization and every principal, and forms classes.
func (b *builder) prepare() {
	b.organization()
	b.preparse()
	b.principalsOf()
	b.reads, b.ahead, b.aheadReads = nil, nil, nil
	b.identityCenterRoles()
	b.groupVariants()
	b.classify()
}

// parsedDoc is a policy document parsed: the document or the parse
// error, its assumeKey and, when preparse scanned it, its scan.
type parsedDoc struct {
	doc       *policy.Document
	err       error
	assumeKey string
	scan      *docScan
}

// docSlot is a distinct document text: the text, what parsing it gave
// (once ready), and the pdoc parse made of it once it met it (nil then
// when the text does not parse).
type docSlot struct {
	raw []byte
	parsedDoc
	ready, met bool
	pd         *pdoc
}

// docRead is a document principalsOf parses: its text, the text's hash
// (docSeed) and its slot.
type docRead struct {
	raw  []byte
	hash uint64
	slot int32
}

// docIndex returns the slot of the text raw, whose hash is h, adding
// one when the text is new.
func (b *builder) docIndex(raw []byte, h uint64) int32 {
	i, ok := b.docHash[h]
	if ok && bytes.Equal(b.docSlots[i].raw, raw) {
		return i
	}
	if ok {
		// Another text has the same hash.
		if i, ok := b.docClash[string(raw)]; ok {
			return i
		}
	}
	i = int32(len(b.docSlots))
	b.docSlots = append(b.docSlots, docSlot{raw: raw})
	if ok {
		b.docClash[string(raw)] = i
	} else {
		b.docHash[h] = i
	}
	return i
}

// preparse makes the principals of every account principalsOf reads,
// but for their documents and nodes (newPrincipals), and finds the
// documents principalsOf parses (the inline, attached, boundary and
// trust policies of the users, their groups and the roles), in its
// order, and their slots (reads); it hashes their texts and parses the
// distinct ones on every core, and computes their assumeKey and scan, so
// that parse only looks them up. What parse does with a document
// (numbering, warnings, recording the tag keys it references) and the
// numbering of the nodes still happen in the order the builder meets
// them.
func (b *builder) preparse() {
	b.aheadReads = make([][]docRead, len(b.s.Accounts))
	b.ahead = make([][]principal, len(b.s.Accounts))
	onCores(len(b.s.Accounts), 16, func(i int) {
		a := &b.s.Accounts[i]
		if a.IAM == nil || b.ix.HasGap(a.ID, snapshot.SectionAuthDetails) {
			return // principalsOf does not read it
		}
		groups := accountGroups(a)
		b.aheadReads[i] = b.accountReads(a, groups)
		b.ahead[i] = b.newPrincipals(a, groups)
	})
	for _, rs := range b.aheadReads {
		for j := range rs {
			rs[j].slot = b.docIndex(rs[j].raw, rs[j].hash)
		}
	}
	onCores(len(b.docSlots), 64, func(i int) {
		d := &b.docSlots[i]
		if d.doc, d.err = policy.ParseRaw(d.raw); d.err == nil {
			d.assumeKey = assumeKey(d.doc)
			sc := scanDoc(d.doc)
			d.scan = &sc
		}
		d.ready = true
	})
}

// onCores calls fn for 0 to n-1 on every core (on as many as there are
// batches of per), in no set order, and returns once all calls have.
func onCores(n, per int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n/per)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// accountReads returns the documents principalsOf parses for account a
// (its groups by name), in its order, with their hashes; it only reads
// the builder.
func (b *builder) accountReads(a *snapshot.Account, groups map[string]*snapshot.Group) []docRead {
	var out []docRead
	add := func(raw []byte) {
		if len(raw) > 0 && string(raw) != "null" { // else parse reads nothing
			out = append(out, docRead{raw: raw, hash: maphash.Bytes(b.docSeed, raw)})
		}
	}
	inline := func(ips []snapshot.InlinePolicy) {
		for _, ip := range ips {
			add(ip.Document)
		}
	}
	attached := func(aps []snapshot.AttachedPolicy) {
		for _, ap := range aps {
			add(b.ix.PolicyDocument(ap.ARN))
		}
	}
	boundary := func(bd *snapshot.AttachedPolicy) {
		if bd != nil {
			add(b.ix.PolicyDocument(bd.ARN))
		}
	}
	for i := range a.IAM.Users {
		u := &a.IAM.Users[i]
		inline(u.InlinePolicies)
		attached(u.AttachedPolicies)
		for _, gname := range u.Groups {
			if g, ok := groups[gname]; ok {
				inline(g.InlinePolicies)
				attached(g.AttachedPolicies)
			}
		}
		boundary(u.PermissionsBoundary)
	}
	for i := range a.IAM.Roles {
		r := &a.IAM.Roles[i]
		inline(r.InlinePolicies)
		attached(r.AttachedPolicies)
		boundary(r.PermissionsBoundary)
		add(r.TrustPolicy)
	}
	return out
}

// accountGroups indexes the groups of an account by name.
func accountGroups(a *snapshot.Account) map[string]*snapshot.Group {
	groups := make(map[string]*snapshot.Group, len(a.IAM.Groups))
	for gi := range a.IAM.Groups {
		groups[a.IAM.Groups[gi].Name] = &a.IAM.Groups[gi]
	}
	return groups
}

func (b *builder) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if b.capture != nil {
		*b.capture = append(*b.capture, msg)
		return
	}
	if b.rec != nil {
		b.rec.warns = append(b.rec.warns, msg)
		return
	}
	if !b.warned[msg] {
		b.warned[msg] = true
		b.warns = append(b.warns, msg)
	}
}

// node returns the index of the node with the given id, creating it.
func (b *builder) node(n Node) int32 {
	if i, ok := b.byID[n.ID]; ok {
		return i
	}
	if b.rec != nil {
		return b.rec.node(n)
	}
	n.Class = -1
	i := int32(len(b.nodes))
	b.nodes = append(b.nodes, n)
	b.byID[n.ID] = i
	return i
}

// parse returns the parsed document for raw, parsing each distinct text
// once. what names the document in warnings (made only for one). A nil
// result means the document is absent or does not parse.
func (b *builder) parse(raw []byte, what func() string) *pdoc {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	slot := &b.docSlots[b.slotOf(raw)]
	if slot.met {
		if slot.pd == nil {
			b.warn("%s: document does not parse; ignored", what())
		}
		return slot.pd
	}
	slot.met = true
	if !slot.ready {
		if slot.doc, slot.err = policy.ParseRaw(raw); slot.err == nil {
			slot.assumeKey = assumeKey(slot.doc)
		}
		slot.ready = true
	}
	pd := slot.parsedDoc
	slot.parsedDoc = parsedDoc{} // the pdoc holds what is still needed
	doc, err := pd.doc, pd.err
	if err != nil {
		b.warn("%s: %v; ignored", what(), err)
		return nil
	}
	d := &pdoc{doc: doc, id: b.ndocs}
	b.ndocs++
	d.sensitive, d.acctSensitive = b.scan(doc, pd.scan)
	if pd.assumeKey != "" {
		id, ok := b.assumeIDs[pd.assumeKey]
		if !ok {
			id = int32(len(b.assumeIDs) + 1)
			b.assumeIDs[pd.assumeKey] = id
		}
		d.assumeID = id
	}
	b.docSens[doc] = d.sensitive
	b.docAcctSens[doc] = d.acctSensitive
	b.docAssume[doc] = d.assumeID
	slot.pd = d
	return d
}

// slotOf returns the slot of the text raw: the next document preparse
// found for principalsOf when raw is that very text (same bytes in
// memory), else the slot of its text, found by its hash (right, only
// slower).
func (b *builder) slotOf(raw []byte) int32 {
	if b.reads != nil {
		if b.nextRead < len(b.reads) {
			if r := &b.reads[b.nextRead]; len(r.raw) == len(raw) && &r.raw[0] == &raw[0] {
				b.nextRead++
				return r.slot
			}
		}
		b.readsMissed++
	}
	return b.docIndex(raw, maphash.Bytes(b.docSeed, raw))
}

// assumeKey returns the canonical text of the statements of d that match
// sts:AssumeRole, with the document's version (which decides whether
// policy variables are substituted); "" when no statement matches.
func assumeKey(d *policy.Document) string {
	type stmt struct {
		Effect                  policy.Effect
		Principal, NotPrincipal *policy.Principal
		Action, NotAction       []string
		Resource, NotResource   []string
		Conditions              []*policy.Condition
	}
	var out []stmt
	for _, s := range d.Statements {
		if s.MatchesAction(actionAssumeRole) {
			out = append(out, stmt{s.Effect, s.Principal, s.NotPrincipal, s.Action, s.NotAction, s.Resource, s.NotResource, s.Conditions})
		}
	}
	if len(out) == 0 {
		return ""
	}
	b, err := json.Marshal(struct {
		Version    string
		Statements []stmt
	}{d.Version, out})
	if err != nil {
		panic(fmt.Sprintf("graph: marshal statements: %v", err)) // plain strings and slices: cannot fail
	}
	return string(b)
}

// sensitiveKeys are the condition keys whose value differs between
// principals of one class; accountKeys those whose value differs only
// between accounts.
var (
	sensitiveKeys = map[string]bool{"aws:principalarn": true, "aws:username": true, "aws:userid": true}
	accountKeys   = map[string]bool{"aws:principalaccount": true, "aws:principalorgpaths": true}
)

// docScan is what scanDoc finds in a document: whether it looks at
// principal-specific keys, and at keys that differ between accounts, and
// the tag keys it references.
type docScan struct {
	sensitive, acctSensitive    bool
	principalTags, resourceTags []string
}

// scan records the tag keys a document references (sc, scanned ahead, or
// nil) and reports whether it looks at principal-specific keys, and at
// keys that differ between accounts.
func (b *builder) scan(d *policy.Document, sc *docScan) (sensitive, acctSensitive bool) {
	if sc == nil {
		s := scanDoc(d)
		sc = &s
	}
	for _, k := range sc.principalTags {
		b.principalTagKeys[k] = true
	}
	for _, k := range sc.resourceTags {
		b.resourceTagKeys[k] = true
	}
	return sc.sensitive, sc.acctSensitive
}

// scanDoc looks at the condition keys and policy variables of d.
func scanDoc(d *policy.Document) (sc docScan) {
	key := func(k string) {
		k = strings.ToLower(strings.TrimSpace(k))
		switch {
		case sensitiveKeys[k]:
			sc.sensitive = true
		case accountKeys[k]:
			sc.acctSensitive = true
		case strings.HasPrefix(k, "aws:principaltag/"):
			sc.principalTags = append(sc.principalTags, strings.TrimPrefix(k, "aws:principaltag/"))
		case strings.HasPrefix(k, "aws:resourcetag/"):
			sc.resourceTags = append(sc.resourceTags, strings.TrimPrefix(k, "aws:resourcetag/"))
		case strings.HasPrefix(k, "iam:resourcetag/"):
			sc.resourceTags = append(sc.resourceTags, strings.TrimPrefix(k, "iam:resourcetag/"))
		}
	}
	vars := func(vals []string) {
		for _, v := range vals {
			for {
				i := strings.Index(v, "${")
				if i < 0 {
					break
				}
				v = v[i+2:]
				j := strings.IndexByte(v, '}')
				if j < 0 {
					break
				}
				inner, _, _ := strings.Cut(v[:j], ",")
				key(inner)
				v = v[j+1:]
			}
		}
	}
	for _, s := range d.Statements {
		vars(s.Resource)
		vars(s.NotResource)
		for _, c := range s.Conditions {
			key(c.Key)
			vars(c.Values)
		}
	}
	return sc
}

// managed returns the labelled managed policy with the given ARN, or false
// (with a warning) when the snapshot does not hold its document.
func (b *builder) managed(arn, owner string) (policy.Policy, int32, bool) {
	raw := b.ix.PolicyDocument(arn)
	if raw == nil {
		b.warn("managed policy %s (attached to %s) is not in the snapshot; treated as granting nothing", arn, owner)
		return policy.Policy{}, 0, false
	}
	d := b.parse(raw, func() string { return "managed policy " + arn })
	if d == nil {
		return policy.Policy{}, 0, false
	}
	return policy.Policy{Label: arn, Document: d.doc}, d.id, true
}

func (b *builder) inline(label string, raw []byte, what func() string) (policy.Policy, int32, bool) {
	d := b.parse(raw, what)
	if d == nil {
		return policy.Policy{}, 0, false
	}
	return policy.Policy{Label: label, Document: d.doc}, d.id, true
}

// sizeIdentity makes room for n identity documents (principalsOf adds
// them on one core).
func (p *principal) sizeIdentity(n int) {
	if n > 0 {
		p.identity, p.identityIDs = make([]policy.Policy, 0, n), make([]int32, 0, n)
	}
}

func (p *principal) addIdentity(pol policy.Policy, id int32, ok bool) {
	if ok {
		p.identity = append(p.identity, pol)
		p.identityIDs = append(p.identityIDs, id)
	}
}

// addCustomer records a customer managed policy attached to p (AWS
// managed policies cannot be changed, see escalate.go).
func (p *principal) addCustomer(arn string) {
	if !policy.IsAWSManagedPolicyARN(arn) && !slices.Contains(p.customerPolicies, arn) {
		p.customerPolicies = append(p.customerPolicies, arn)
	}
}

// inlineName names an inline policy in warnings, when one is given.
func inlineName(name, owner string) func() string {
	return func() string { return "inline policy " + name + " of " + owner }
}

// addGroupPolicies adds the policies of group g to p: their documents
// and the customer managed ones.
func (b *builder) addGroupPolicies(p *principal, g *snapshot.Group) {
	b.addGroupDocuments(p, g)
	for _, ap := range g.AttachedPolicies {
		p.addCustomer(ap.ARN)
	}
}

// addGroupDocuments adds the documents of group g's policies to p.
func (b *builder) addGroupDocuments(p *principal, g *snapshot.Group) {
	for _, ip := range g.InlinePolicies {
		p.addIdentity(b.inline("group/"+g.Name+":inline:"+ip.Name, ip.Document, inlineName(ip.Name, g.ARN)))
	}
	for _, ap := range g.AttachedPolicies {
		p.addIdentity(b.managed(ap.ARN, g.ARN))
	}
}

func (p *principal) addBoundary(pol policy.Policy, id int32, ok bool) {
	if ok {
		p.boundary = append(p.boundary, pol)
		p.boundaryIDs = append(p.boundaryIDs, id)
	}
}

// principalsOf creates the users and roles of every account whose IAM data
// is in the snapshot, from the principals preparse made ahead. Their
// nodes come first: they are made without looking for a node with the
// same id (principal k has node k, so that another core indexes their
// ids meanwhile); when two principals share an ARN (AWS never gives that)
// the count of ids tells, and the nodes are made again one by one as
// node makes them.
func (b *builder) principalsOf() {
	b.freshNodes = !b.slowNodes && len(b.nodes) == 0 && len(b.principals) == 0
	b.aheadIDs = b.freshNodes && b.ahead != nil
	var wg sync.WaitGroup
	if b.aheadIDs {
		wg.Go(func() {
			k := int32(0)
			for _, ps := range b.ahead { // none for the accounts not read
				for i := range ps {
					b.byID[ps[i].arn] = k
					k++
				}
			}
		})
	}
	for ai := range b.s.Accounts {
		a := &b.s.Accounts[ai]
		if a.IAM == nil || b.ix.HasGap(a.ID, snapshot.SectionAuthDetails) {
			b.unknownAcc[a.ID] = true
			continue
		}
		b.knownAcct[a.ID] = true
		groups := accountGroups(a)
		var ps []principal
		if b.ahead != nil {
			ps, b.reads, b.nextRead = b.ahead[ai], b.aheadReads[ai], 0
		} else {
			ps = b.newPrincipals(a, groups)
		}
		for ui := range a.IAM.Users {
			u := &a.IAM.Users[ui]
			p := &ps[ui]
			for _, ip := range u.InlinePolicies {
				p.addIdentity(b.inline("inline:"+ip.Name, ip.Document, inlineName(ip.Name, u.ARN)))
			}
			for _, ap := range u.AttachedPolicies {
				p.addIdentity(b.managed(ap.ARN, u.ARN))
			}
			for _, gname := range u.Groups {
				g, ok := groups[gname]
				if !ok {
					b.warn("group %s of %s is not in the snapshot; its policies are ignored", gname, u.ARN)
					continue
				}
				b.addGroupDocuments(p, g)
			}
			if u.PermissionsBoundary != nil {
				p.addBoundary(b.managed(u.PermissionsBoundary.ARN, u.ARN))
				if len(p.boundary) == 0 {
					p.addBoundary(denyAll("missing boundary "+u.PermissionsBoundary.ARN), -1, true)
				}
			}
			p.node = b.principalNode(Node{ID: u.ARN, Kind: KindUser, Name: u.Name, AccountID: a.ID, MFA: p.mfa})
		}
		users := len(a.IAM.Users)
		for ri := range a.IAM.Roles {
			r := &a.IAM.Roles[ri]
			p := &ps[users+ri]
			for _, ip := range r.InlinePolicies {
				p.addIdentity(b.inline("inline:"+ip.Name, ip.Document, inlineName(ip.Name, r.ARN)))
			}
			for _, ap := range r.AttachedPolicies {
				p.addIdentity(b.managed(ap.ARN, r.ARN))
			}
			if r.PermissionsBoundary != nil {
				p.addBoundary(b.managed(r.PermissionsBoundary.ARN, r.ARN))
				if len(p.boundary) == 0 {
					p.addBoundary(denyAll("missing boundary "+r.PermissionsBoundary.ARN), -1, true)
				}
			}
			p.trust = b.parse(r.TrustPolicy, func() string { return "trust policy of " + r.ARN })
			p.node = b.principalNode(Node{ID: r.ARN, Kind: KindRole, Name: r.Name, AccountID: a.ID})
		}
		// The account's principals, users first, added as addPrincipal
		// adds them one by one.
		first := len(b.principals)
		for i := range ps {
			b.principals = append(b.principals, &ps[i])
			b.setNodePrincipal(&ps[i])
		}
		b.byAccount[a.ID] = append(b.byAccount[a.ID], b.principals[first:]...)
		b.roles = append(b.roles, b.principals[first+users:]...)
	}
	b.reads = nil
	wg.Wait()
	if b.freshNodes && len(b.byID) != len(b.nodes) {
		b.remakePrincipalNodes()
	}
	b.freshNodes, b.aheadIDs = false, false
}

// principalNode returns the node of a principal of principalsOf: a new
// one while freshNodes (principal k has node k; its id is indexed here
// unless aheadIDs), else as node does.
func (b *builder) principalNode(n Node) int32 {
	if !b.freshNodes {
		return b.node(n)
	}
	n.Class = -1
	i := int32(len(b.nodes))
	b.nodes = append(b.nodes, n)
	if !b.aheadIDs {
		b.byID[n.ID] = i
	}
	return i
}

// remakePrincipalNodes makes the nodes of principalsOf's principals again
// as node makes them (the first principal with an id gives its node), for
// when two of them share an id.
func (b *builder) remakePrincipalNodes() {
	made := slices.Clone(b.nodes)
	b.nodes = b.nodes[:0]
	clear(b.byID)
	clear(b.nodePrincipal)
	b.nodePrincipal = b.nodePrincipal[:0]
	for i, p := range b.principals {
		p.node = b.node(made[i])
		b.setNodePrincipal(p)
	}
}

// newPrincipals returns the users and then the roles of account a (its
// groups by name), but for their documents and nodes: kind, ARN, tags,
// MFA and console state, groups, customer managed policies, instance
// profiles. It only reads the builder.
func (b *builder) newPrincipals(a *snapshot.Account, groups map[string]*snapshot.Group) []principal {
	ps := make([]principal, len(a.IAM.Users)+len(a.IAM.Roles))
	var mfaRows, passwords map[string]bool
	reportOK := a.IAM.CredentialReport != nil && !b.ix.HasGap(a.ID, snapshot.SectionCredentialReport)
	if reportOK {
		rows := a.IAM.CredentialReport.Rows
		mfaRows, passwords = make(map[string]bool, len(rows)), make(map[string]bool, len(rows))
		for _, row := range rows {
			mfaRows[row.ARN] = row.MFAActive
			passwords[row.ARN] = row.PasswordEnabled
		}
	}
	for ui := range a.IAM.Users {
		u := &a.IAM.Users[ui]
		p := &ps[ui]
		*p = principal{kind: KindUser, arn: u.ARN, account: a.ID, tags: u.Tags, userID: u.ID, escUnit: -1}
		docs := len(u.InlinePolicies) + len(u.AttachedPolicies)
		for _, ap := range u.AttachedPolicies {
			p.addCustomer(ap.ARN)
		}
		for _, gname := range u.Groups {
			if g, ok := groups[gname]; ok {
				p.groups = append(p.groups, g.ARN)
				docs += len(g.InlinePolicies) + len(g.AttachedPolicies)
				for _, ap := range g.AttachedPolicies {
					p.addCustomer(ap.ARN)
				}
			}
		}
		p.sizeIdentity(docs)
		if pw, ok := passwords[u.ARN]; ok {
			p.console = consoleNo
			if pw {
				p.console = consoleYes
			}
		}
		active, inReport := mfaRows[u.ARN]
		switch {
		case len(u.MFADevices) > 0 || active:
			p.mfa = MFAYes
		case !reportOK || !inReport || b.ix.HasGap(a.ID, snapshot.SectionMFADevices):
			p.mfa = MFAUnknown
		default:
			p.mfa = MFANo
		}
	}
	users := len(a.IAM.Users)
	for ri := range a.IAM.Roles {
		r := &a.IAM.Roles[ri]
		p := &ps[users+ri]
		*p = principal{kind: KindRole, arn: r.ARN, account: a.ID, tags: r.Tags, escUnit: -1}
		p.sizeIdentity(len(r.InlinePolicies) + len(r.AttachedPolicies))
		for _, ap := range r.AttachedPolicies {
			p.addCustomer(ap.ARN)
		}
		if r.InstanceProfiles != nil {
			p.profiles = []string{}
			for _, ip := range r.InstanceProfiles {
				p.profiles = append(p.profiles, ip.ARN)
			}
		}
		p.serviceLinked = strings.HasPrefix(r.Path, "/aws-service-role/")
	}
	return ps
}

// denyAll stands for a permissions boundary whose document is missing: a
// boundary that cannot be read allows nothing we could prove.
func denyAll(label string) policy.Policy {
	return policy.Policy{Label: label, Document: policy.MustParse(`{"Version":"2012-10-17","Statement":[]}`)}
}

func (b *builder) addPrincipal(p *principal) {
	b.principals = append(b.principals, p)
	b.setNodePrincipal(p)
	b.byAccount[p.account] = append(b.byAccount[p.account], p)
}

// setNodePrincipal records p as the principal of its node.
func (b *builder) setNodePrincipal(p *principal) {
	if n := int(p.node) + 1 - len(b.nodePrincipal); n > 0 {
		b.nodePrincipal = append(b.nodePrincipal, make([]*principal, n)...)
	}
	b.nodePrincipal[p.node] = p
}

// principalByARN returns the principal (user, role or provisioned
// Identity Center role) with the given ARN, the last one added when
// several have it; nil when there is none.
func (b *builder) principalByARN(arn string) *principal {
	if i, ok := b.byID[arn]; ok && int(i) < len(b.nodePrincipal) {
		return b.nodePrincipal[i]
	}
	return nil
}

// ssoRolePrefix is the name prefix of the roles Identity Center
// provisions for a permission set.
func ssoRolePrefix(ps string) string { return "AWSReservedSSO_" + ps + "_" }

// ssoTarget returns the node of the role a permission set provisions in
// an account: the snapshot's role, or a virtual one.
func (b *builder) ssoTarget(acct string, ps *snapshot.PermissionSet) int32 {
	name, known := permissionSetName(ps)
	prefix := ssoRolePrefix(name)
	var found []*principal
	for _, p := range b.byAccount[acct] {
		if known && p.kind == KindRole && strings.HasPrefix(p.arn[strings.LastIndexByte(p.arn, '/')+1:], prefix) {
			found = append(found, p)
		}
	}
	if len(found) > 0 {
		sort.Slice(found, func(i, j int) bool { return found[i].arn < found[j].arn })
		return found[0].node
	}
	arn := "arn:" + b.partition() + ":iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/" + prefix + "*"
	if p := b.principalByARN(arn); p != nil {
		return p.node
	}
	p := &principal{kind: KindSSORole, arn: arn, account: acct, escUnit: -1}
	what := fmt.Sprintf("permission set %s in %s", name, acct)
	if len(ps.Incomplete) > 0 {
		b.warn("permission set %s (%s): %s failed; paths through its role in %s rest on incomplete data", name, ps.ARN, strings.Join(ps.Incomplete, ", "), acct)
	}
	for _, mp := range ps.ManagedPolicies {
		p.addIdentity(b.managed(mp.ARN, what))
	}
	for _, cp := range ps.CustomerManagedPolicies {
		arn := b.customerPolicyARN(acct, cp)
		p.addIdentity(b.managed(arn, what))
		p.addCustomer(arn)
	}
	if len(ps.InlinePolicy) > 0 {
		p.addIdentity(b.inline("permission-set:"+ps.Name+":inline", ps.InlinePolicy, func() string { return "inline policy of " + what }))
	}
	if bd := ps.PermissionsBoundary; bd != nil {
		arn := bd.ManagedPolicyARN
		if bd.CustomerPolicy != nil {
			arn = b.customerPolicyARN(acct, *bd.CustomerPolicy)
		}
		if arn != "" {
			p.addBoundary(b.managed(arn, what))
			if len(p.boundary) == 0 {
				p.addBoundary(denyAll("missing boundary "+arn), -1, true)
			}
		}
	}
	_, inSnapshot := b.ix.Account(acct)
	p.node = b.node(Node{ID: arn, Kind: KindSSORole, Name: prefix + "*", AccountID: acct, External: !inSnapshot && b.orgID != "", Incomplete: len(ps.Incomplete) > 0})
	b.addPrincipal(p)
	return p.node
}

// permissionSetName returns the name of a permission set's provisioned
// roles; known is false when the name could not be read
// (sso:DescribePermissionSet failed), and the set is then named by its id
// in parentheses, which matches no role of the snapshot.
func permissionSetName(ps *snapshot.PermissionSet) (name string, known bool) {
	if ps.Name != "" {
		return ps.Name, true
	}
	return "(" + lastSegment(ps.ARN) + ")", false
}

func (b *builder) customerPolicyARN(acct string, ref snapshot.CustomerPolicyRef) string {
	path := ref.Path
	if path == "" {
		path = "/"
	}
	return "arn:" + b.partition() + ":iam::" + acct + ":policy" + path + ref.Name
}

func (b *builder) partition() string {
	if p := b.s.Metadata.Partition; p != "" {
		return p
	}
	return "aws"
}

// identityCenterRoles creates the provisioned roles of every assignment
// before classes are formed, so that they take part in role chaining.
func (b *builder) identityCenterRoles() {
	ic := b.s.Identity
	if ic == nil {
		return
	}
	ps := map[string]*snapshot.PermissionSet{}
	for i := range ic.PermissionSets {
		ps[ic.PermissionSets[i].ARN] = &ic.PermissionSets[i]
	}
	for _, as := range ic.Assignments {
		p, ok := ps[as.PermissionSetARN]
		if !ok {
			b.warn("assignment of %s %s in %s names permission set %s, which is not in the snapshot", strings.ToLower(as.PrincipalType), as.PrincipalID, as.AccountID, as.PermissionSetARN)
			continue
		}
		b.ssoTarget(as.AccountID, p)
	}
}

// identityCenterEdges adds the sign-in edges of every assignment: from the
// assigned user or group, and from each member of an assigned group.
func (b *builder) identityCenterEdges() {
	ic := b.s.Identity
	if ic == nil {
		return
	}
	users := map[string]int32{}
	for _, u := range ic.Users {
		users[u.ID] = b.node(Node{ID: "ic:user/" + u.ID, Kind: KindICUser, Name: u.UserName})
	}
	groups := map[string]int32{}
	for _, g := range ic.Groups {
		groups[g.ID] = b.node(Node{ID: "ic:group/" + g.ID, Kind: KindICGroup, Name: g.DisplayName})
	}
	members := map[string][]string{}
	for _, m := range ic.Memberships {
		members[m.GroupID] = append(members[m.GroupID], m.UserID)
	}
	ps := map[string]*snapshot.PermissionSet{}
	for i := range ic.PermissionSets {
		ps[ic.PermissionSets[i].ARN] = &ic.PermissionSets[i]
	}
	kind := EdgeIdentityCenter.index()
	for _, as := range ic.Assignments {
		p, ok := ps[as.PermissionSetARN]
		if !ok {
			continue
		}
		to := b.ssoTarget(as.AccountID, p)
		switch strings.ToUpper(as.PrincipalType) {
		case "USER":
			u, ok := users[as.PrincipalID]
			if !ok {
				u = b.node(Node{ID: "ic:user/" + as.PrincipalID, Kind: KindICUser, Name: as.PrincipalID})
			}
			b.edges = append(b.edges, edge{from: u, to: to, via: -1, ev: -1, kind: kind})
		case "GROUP":
			g, ok := groups[as.PrincipalID]
			if !ok {
				g = b.node(Node{ID: "ic:group/" + as.PrincipalID, Kind: KindICGroup, Name: as.PrincipalID})
			}
			b.edges = append(b.edges, edge{from: g, to: to, via: -1, ev: -1, kind: kind})
			for _, uid := range members[as.PrincipalID] {
				u, ok := users[uid]
				if !ok {
					u = b.node(Node{ID: "ic:user/" + uid, Kind: KindICUser, Name: uid})
				}
				b.edges = append(b.edges, edge{from: u, to: to, via: g, ev: -1, kind: kind})
			}
		}
	}
}

// classify puts principals with identical evaluation inputs in classes and
// indexes the classes by the sts:AssumeRole statements of their identity
// documents.
func (b *builder) classify() {
	keys := b.classKeys()
	byKey := map[string]*bclass{}
	groups := map[string]*grantGroup{}
	// The keys of escalation units are numbered: the principals keep a
	// number, not the key.
	escUnits := map[string]int32{}
	for i, p := range b.principals {
		k := &keys[i]
		u, ok := escUnits[k.esc]
		if !ok {
			u = int32(len(escUnits))
			escUnits[k.esc] = u
		}
		p.escUnit = u
		c, ok := byKey[k.class]
		if !ok {
			c = &bclass{key: k.class, byAccount: map[string][]*principal{}, sensitive: p.sensitive}
			byKey[k.class] = c
			b.classes = append(b.classes, c)
			g, ok := groups[k.grant]
			if !ok {
				g = &grantGroup{}
				for _, pol := range p.identity {
					for _, s := range pol.Document.Statements {
						if s.Effect == policy.Allow && s.MatchesAction(actionAssumeRole) {
							g.stmts = append(g.stmts, s)
						}
					}
				}
				groups[k.grant] = g
				if len(g.stmts) > 0 {
					b.groups = append(b.groups, g)
				}
			}
			if len(g.stmts) > 0 {
				c.grant = g
				g.classes = append(g.classes, c)
			}
		}
		c.members = append(c.members, p)
		inAcct := c.byAccount[p.account]
		if len(inAcct) == 0 {
			b.acctClass[p.account] = append(b.acctClass[p.account], c)
		}
		c.byAccount[p.account] = append(inAcct, p)
		p.cls = c
	}
	onCores(len(b.classes), 1, func(i int) {
		c := b.classes[i]
		sort.Slice(c.members, func(x, y int) bool { return c.members[x].arn < c.members[y].arn })
	})
	for i, c := range b.classes {
		c.idx = int32(i)
		for _, p := range c.members {
			b.nodes[p.node].Class = i
		}
	}
}

// principalKeys are the keys classify groups a principal by: its class
// (role assumption), its escalation unit, and its grant group (identity
// documents).
type principalKeys struct {
	class, esc, grant string
}

// classKeys computes the keys of every principal, on every core, and sets
// their sensitive flag. The SCPs of every account are read first, in the
// order of the principals (the order classify read them in), so that the
// workers only read the builder; the distinct SCP chains (scpKey) are
// numbered, and the keys hold the number, not the chain's labels.
func (b *builder) classKeys() []principalKeys {
	scpKeys, chains := map[string]string{}, map[string]string{}
	for _, p := range b.principals {
		if _, ok := scpKeys[p.account]; !ok {
			b.scpsOf(p.account)
			chain := b.scpKey(p.account)
			n, ok := chains[chain]
			if !ok {
				n = strconv.Itoa(len(chains))
				chains[chain] = n
			}
			scpKeys[p.account] = n
		}
	}
	n := len(b.principals)
	keys := make([]principalKeys, n)
	const chunk = 256
	onCores((n+chunk-1)/chunk, 1, func(c int) {
		var kb keyBuf
		for i := c * chunk; i < min((c+1)*chunk, n); i++ {
			keys[i] = b.keysOf(b.principals[i], scpKeys[b.principals[i].account], &kb)
		}
	})
	return keys
}

// keyBuf is keysOf's scratch space, reused from one principal to the next.
type keyBuf struct {
	k   []byte
	ids []int32
}

// keysOf computes the keys of p (scpKey stands for its account's SCP
// chain: the chain, or its number in classKeys) and sets
// p.sensitive; it only reads the builder. The keys are built with appends,
// not fmt: the text is that of the fmt verbs noted.
func (b *builder) keysOf(p *principal, scpKey string, kb *keyBuf) principalKeys {
	p.sensitive = false
	acctSensitive := false
	look := func(pols []policy.Policy) {
		for _, pol := range pols {
			p.sensitive = p.sensitive || b.docSens[pol.Document]
			acctSensitive = acctSensitive || b.docAcctSens[pol.Document]
		}
	}
	look(p.identity)
	look(p.boundary)
	for _, lvl := range b.scps[p.account] {
		look(lvl)
	}
	// The rest of the evaluation inputs: "%s|%s|%t|%t|%s|", then the tags
	// as "%q=%q," in key order.
	k := kb.k[:0]
	k = append(k, p.kind...)
	k = append(k, '|')
	k = append(k, scpKey...)
	k = append(k, '|')
	k = strconv.AppendBool(k, p.account == b.mgmt)
	k = append(k, '|')
	k = strconv.AppendBool(k, p.serviceLinked)
	k = append(k, '|')
	k = append(k, p.mfa...)
	k = append(k, '|')
	tagKeys := make([]string, 0, len(p.tags))
	for t := range p.tags {
		tagKeys = append(tagKeys, t)
	}
	sort.Strings(tagKeys)
	for _, t := range tagKeys {
		k = strconv.AppendQuote(k, t)
		k = append(k, '=')
		k = strconv.AppendQuote(k, p.tags[t])
		k = append(k, ',')
	}
	switch {
	case p.sensitive:
		k = append(append(k, '|'), p.arn...)
	case acctSensitive:
		// One evaluation stands for the members of one account.
		k = append(append(k, '|'), p.account...)
	}
	rest := len(k)
	// The grant key is the identity ids ("%v"); the escalation key
	// "%v|%v|%s|%s" of the ids, the boundary ids, the rest and the
	// account.
	k = appendIDs(k, sortedIDs(kb, p.identityIDs))
	grant := string(k[rest:])
	k = append(k, '|')
	k = appendIDs(k, sortedIDs(kb, p.boundaryIDs))
	k = append(k, '|')
	k = append(k, k[:rest]...)
	k = append(k, '|')
	k = append(k, p.account...)
	esc := string(k[rest:])
	// The class key is the rest, the assume projections of the identity
	// documents and of the boundary ("%v" of their sorted distinct
	// assumeIDs), and "%v" of whether there is a boundary: two
	// principals share it exactly when they share the rest, whether
	// they have a boundary and the sets of assumeKeys.
	k = append(k[:rest], '|')
	k = appendIDs(k, b.assumeProjection(kb, p.identity))
	k = append(k, '|')
	k = appendIDs(k, b.assumeProjection(kb, p.boundary))
	k = append(k, '|')
	k = strconv.AppendBool(k, len(p.boundary) > 0)
	cls := string(k)
	kb.k = k
	return principalKeys{esc: esc, class: cls, grant: grant}
}

// appendIDs appends ids as fmt's %v prints them: "[1 2 3]".
func appendIDs(dst []byte, ids []int32) []byte {
	dst = append(dst, '[')
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = strconv.AppendInt(dst, int64(id), 10)
	}
	return append(dst, ']')
}

// assumeProjection is the sorted set of the assumeIDs of pols' documents
// (in kb.ids, valid until its next use).
func (b *builder) assumeProjection(kb *keyBuf, pols []policy.Policy) []int32 {
	ids := kb.ids[:0]
	for _, pol := range pols {
		if id := b.docAssume[pol.Document]; id != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	kb.ids = slices.Compact(ids)
	return kb.ids
}

// sortedIDs returns ids sorted, in kb.ids (valid until its next use).
func sortedIDs(kb *keyBuf, ids []int32) []int32 {
	kb.ids = append(kb.ids[:0], ids...)
	slices.Sort(kb.ids)
	return kb.ids
}
