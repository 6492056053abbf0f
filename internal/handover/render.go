package handover

import "fmt"

// Summary is the checklist's one-line verdict.
func (c *Checklist) Summary() string {
	if c.Open == 0 {
		return fmt.Sprintf("%s (%s) is ready to hand over: nothing left", c.AccountName, c.AccountID)
	}
	return fmt.Sprintf("%s (%s): %d %s left before the handover", c.AccountName, c.AccountID, c.Open, plural(c.Open, "item", "items"))
}
