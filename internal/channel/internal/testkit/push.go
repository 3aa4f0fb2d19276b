package testkit

import (
	"context"
	"testing"

	"stocksync/internal/channel"
)

// PushInBatches sends updates as a stock push does, in slices of the
// connector's own batch size, and fails the test on any refusal.
func PushInBatches(t *testing.T, c channel.Connector, updates []channel.QuantityUpdate) {
	t.Helper()
	size := c.Limits().QuantityBatchSize
	for start := 0; start < len(updates); start += size {
		results, err := c.SetQuantities(context.Background(), updates[start:min(start+size, len(updates))], "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Err != nil {
				t.Fatalf("%s: %v", r.ExternalID, r.Err)
			}
		}
	}
}
