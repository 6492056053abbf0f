package collect

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// accessAnalyzerServicePrincipal is IAM Access Analyzer in Organizations'
// delegated administrators.
const accessAnalyzerServicePrincipal = "access-analyzer.amazonaws.com"

// analyzerRead is one access-analyzer:ListAnalyzers of one account in one
// region.
type analyzerRead struct {
	account   *snapshot.Account
	region    string
	analyzers []snapshot.Analyzer
	ok        bool
	started   bool
}

// collectAccessAnalyzers chooses the regions of the run (metadata.regions)
// and reads the IAM Access Analyzer analyzers in them, in two rounds so
// that a typical member account costs nothing:
//
//  1. the accounts that can hold an organization analyzer (the caller's,
//     the management account, and the delegated administrators for
//     access-analyzer.amazonaws.com), in each of their regions;
//  2. every other collected account, in the regions where round 1 found no
//     active organization analyzer. A region that round 1 could not read
//     anywhere is not asked again per account: the rules report it as not
//     evaluated.
//
// What is read goes into each account's iam.access_analyzer; what cannot
// be read is a gap (section iam.access_analyzer) naming the region.
func (c *collector) collectAccessAnalyzers(ctx context.Context, s *snapshot.Snapshot) {
	regions, source := c.chooseRegions(s.Accounts)
	s.Metadata.Regions, s.Metadata.RegionsSource = regions, source

	sources := []string{c.caller.AccountID}
	if s.Organization != nil {
		for _, d := range s.Organization.DelegatedAdmins {
			if slices.Contains(d.ServicePrincipals, accessAnalyzerServicePrincipal) {
				sources = append(sources, d.AccountID)
			}
		}
	}
	var first, second []*analyzerRead
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.IAM == nil || !slices.Contains(sources, a.ID) {
			continue
		}
		for _, r := range accountRegions(a, regions) {
			first = append(first, &analyzerRead{account: a, region: r})
		}
	}
	c.readAnalyzers(ctx, first)

	covered, readable := map[string]bool{}, map[string]bool{}
	for _, rd := range first {
		if !rd.ok {
			continue
		}
		readable[rd.region] = true
		for _, an := range rd.analyzers {
			if an.Type == string(aatypes.TypeOrganization) && an.Status == string(aatypes.AnalyzerStatusActive) {
				covered[rd.region] = true
			}
		}
	}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.IAM == nil || slices.Contains(sources, a.ID) {
			continue
		}
		for _, r := range accountRegions(a, regions) {
			if readable[r] && !covered[r] {
				second = append(second, &analyzerRead{account: a, region: r})
			}
		}
	}
	c.readAnalyzers(ctx, second)

	for _, rd := range append(first, second...) {
		if !rd.ok {
			continue
		}
		aa := rd.account.IAM.AccessAnalyzer
		if aa == nil {
			aa = &snapshot.AccessAnalyzer{Regions: []string{}, Analyzers: []snapshot.Analyzer{}}
			rd.account.IAM.AccessAnalyzer = aa
		}
		aa.Regions = append(aa.Regions, rd.region)
		aa.Analyzers = append(aa.Analyzers, rd.analyzers...)
	}
	for i := range s.Accounts {
		if aa := accessAnalyzerOf(&s.Accounts[i]); aa != nil {
			sort.Strings(aa.Regions)
			sort.Slice(aa.Analyzers, func(i, j int) bool { return aa.Analyzers[i].ARN < aa.Analyzers[j].ARN })
		}
	}
}

func accessAnalyzerOf(a *snapshot.Account) *snapshot.AccessAnalyzer {
	if a.IAM == nil {
		return nil
	}
	return a.IAM.AccessAnalyzer
}

// readAnalyzers lists the analyzers of each read's account and region,
// Concurrency at a time, each call counted in its account's bucket. A
// call that fails, the run's time limit included, is a gap; so is a read
// the time limit left unstarted.
func (c *collector) readAnalyzers(ctx context.Context, reads []*analyzerRead) {
	forEach(ctx, c.opts.Concurrency, len(reads), func(i int) {
		rd := reads[i]
		rd.started = true
		id := rd.account.ID
		actx := withBucket(ctx, id)
		ac := c.clientsFor(actx, id)
		if ac.err != nil {
			return // the account's gap says why
		}
		client := accessanalyzer.NewFromConfig(ac.cfg, func(o *accessanalyzer.Options) { o.Region = rd.region })
		analyzers := []snapshot.Analyzer{}
		p := accessanalyzer.NewListAnalyzersPaginator(client, &accessanalyzer.ListAnalyzersInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(actx)
			if err != nil {
				c.gapAbout(actx, id, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers", rd.region, err)
				return
			}
			for _, an := range page.Analyzers {
				analyzers = append(analyzers, snapshot.Analyzer{
					Name:   aws.ToString(an.Name),
					ARN:    aws.ToString(an.Arn),
					Region: rd.region,
					Type:   string(an.Type),
					Status: string(an.Status),
				})
			}
		}
		rd.analyzers, rd.ok = analyzers, true
	})
	if !c.stopped(ctx) {
		return
	}
	for _, rd := range reads {
		if !rd.started {
			c.addGap(rd.account.ID, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers", CodeTimeout,
				fmt.Sprintf("%s: collection stopped at --timeout %s before this was read", rd.region, c.opts.Timeout))
		}
	}
}
