package collect

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// readServerCertificates lists the account's IAM server certificates
// (metadata only: names, ARNs, upload and expiry dates). When they cannot
// be read the list stays nil and a gap says why.
func (c *collector) readServerCertificates(ctx context.Context, id string, ic *iam.Client, out *snapshot.IAM) {
	certs := []snapshot.ServerCertificate{}
	p := iam.NewListServerCertificatesPaginator(ic, &iam.ListServerCertificatesInput{MaxItems: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.gap(ctx, id, snapshot.SectionServerCertificates, "iam:ListServerCertificates", err)
			return
		}
		for _, m := range page.ServerCertificateMetadataList {
			certs = append(certs, snapshot.ServerCertificate{
				Name:       aws.ToString(m.ServerCertificateName),
				ID:         aws.ToString(m.ServerCertificateId),
				ARN:        aws.ToString(m.Arn),
				Path:       aws.ToString(m.Path),
				UploadDate: timePtr(m.UploadDate),
				Expiration: timePtr(m.Expiration),
			})
		}
	}
	sort.Slice(certs, func(i, j int) bool { return certs[i].ARN < certs[j].ARN })
	out.ServerCertificates = certs
}
