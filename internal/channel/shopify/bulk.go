package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// A full catalogue read by paging costs about two query points per variant,
// which on a large shop means minutes of throttling. A bulk operation is
// not limited by query cost: Shopify runs the query on its side and hands
// back one JSONL file.

var _ channel.BulkLister = (*Client)(nil)

// bulkVariantsQuery selects exactly what productVariantsQuery does, so that
// listingFrom reads a bulk line as it reads a page node. product and the
// inventory level are objects, not connections, so Shopify writes them
// inside the variant's line. A bulk query takes no variables: the location
// is written in, and location() has checked it is a Location GID.
func bulkVariantsQuery(location string) string {
	return `{ productVariants { edges { node { id title displayName sku price updatedAt inventoryItem { ` +
		strings.ReplaceAll(inventoryItemSelection, "$location", strconv.Quote(location)) + ` } product { id title onlineStoreUrl } } } } }`
}

const bulkRunMutation = `mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`

// bulkOperationQuery polls with bulkOperation(id:), the documented way
// since API 2026-01; currentBulkOperation is deprecated there because an
// app may now run several bulk queries at once, and node(id:) would need an
// inline fragment for no gain.
const bulkOperationQuery = `query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}`

const bulkCancelMutation = `mutation BulkCancel($id: ID!) {
  bulkOperationCancel(id: $id) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`

type bulkOperation struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	ErrorCode   string          `json:"errorCode"`
	ObjectCount json.RawMessage `json:"objectCount"` // UnsignedInt64, sent as a string
	URL         string          `json:"url"`
}

type bulkUserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

// FetchAllListings exports the whole catalogue with a bulk operation and
// hands it to fn in chunks of at most chunk listings (250 when chunk is not
// positive). Listings are read exactly as FetchListings reads them; a line
// that cannot be read arrives as a Listing with Problem set.
//
// When the app already runs as many bulk queries as Shopify allows (one
// before API 2026-01, five since), the export waits for a slot rather than
// cancelling: the running operation may be another worker's sync, and it
// finishes on its own. An export this call gives up on before it finished
// (ctx ended, polling failed or outlasted an hour) is cancelled, so it does
// not hold the slot and make the next sync wait for it.
func (c *Client) FetchAllListings(ctx context.Context, chunk int, fn func([]channel.Listing) error) error {
	if chunk <= 0 {
		chunk = variantsPageSize
	}
	location, err := c.location(ctx)
	if err != nil {
		return err
	}
	id, err := c.startBulkExport(ctx, bulkVariantsQuery(location))
	if err != nil {
		return err
	}
	op, err := c.awaitBulkOperation(ctx, id)
	if err != nil {
		if op.Status == "" { // given up on before it finished
			c.cancelBulkOperation(ctx, id)
		}
		return err
	}
	if op.URL == "" {
		return nil // Shopify gives no file when the query matched nothing
	}
	return c.downloadListings(ctx, op.URL, chunk, fn)
}

// startBulkExport runs query in bulk, waiting while the app's bulk
// operation slots are taken, and returns the new operation's ID.
func (c *Client) startBulkExport(ctx context.Context, query string) (string, error) {
	var out struct {
		Run struct {
			BulkOperation *bulkOperation  `json:"bulkOperation"`
			UserErrors    []bulkUserError `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	var refused error
	err := c.graphqlUntil(ctx, "starting the bulk export", bulkRunMutation, map[string]any{"query": query}, &out, func() *notReady {
		refused = nil
		for _, e := range out.Run.UserErrors {
			if slotTaken(e) {
				return &notReady{"another bulk query of this app is still running on the shop"}
			}
		}
		if len(out.Run.UserErrors) > 0 {
			refused = fmt.Errorf("shopify: starting the bulk export: Shopify refused the bulk query: %s", userErrorsText(out.Run.UserErrors))
		}
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case refused != nil:
		return "", refused
	case out.Run.BulkOperation == nil || out.Run.BulkOperation.ID == "":
		return "", &channel.MalformedError{What: "shopify: starting the bulk export", Err: errors.New("the answer has neither a bulk operation nor an error")}
	}
	return out.Run.BulkOperation.ID, nil
}

// slotTaken recognises "an operation is already running" both by its code
// and by the message older API versions sent without one.
func slotTaken(e bulkUserError) bool {
	return e.Code == "OPERATION_IN_PROGRESS" || e.Code == "LIMIT_REACHED" ||
		strings.Contains(e.Message, "already in progress")
}

func userErrorsText(errs []bulkUserError) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Message
		if e.Code != "" {
			msgs[i] += " (" + e.Code + ")"
		}
	}
	return strings.Join(msgs, "; ")
}

// awaitBulkOperation polls until the operation is over and returns it
// COMPLETED, or the reason it is not.
func (c *Client) awaitBulkOperation(ctx context.Context, id string) (bulkOperation, error) {
	var out struct {
		Op *bulkOperation `json:"bulkOperation"`
	}
	err := c.graphqlUntil(ctx, "waiting for the bulk export", bulkOperationQuery, map[string]any{"id": id}, &out, func() *notReady {
		if out.Op == nil {
			return nil
		}
		switch out.Op.Status {
		case "CREATED", "RUNNING", "CANCELING":
			nr := &notReady{fmt.Sprintf("the bulk export is still %s (%s objects so far)", strings.ToLower(out.Op.Status), strings.Trim(string(out.Op.ObjectCount), `"`))}
			out.Op = nil // decoding the next answer into it would keep fields it leaves null
			return nr
		}
		return nil
	})
	if err != nil {
		return bulkOperation{}, err
	}
	if out.Op == nil {
		return bulkOperation{}, fmt.Errorf("shopify: waiting for the bulk export: Shopify does not know the bulk operation %s it just started; run the sync again", id)
	}
	return *out.Op, bulkOutcome(*out.Op)
}

// bulkOutcome turns a finished operation's status into an error.
func bulkOutcome(op bulkOperation) error {
	switch op.Status {
	case "COMPLETED":
		return nil
	case "FAILED":
		switch op.ErrorCode {
		case "ACCESS_DENIED":
			return fmt.Errorf("shopify: bulk export: Shopify denied the app access to the catalogue (ACCESS_DENIED; grant the app the read_products scope): %w", channel.ErrUnauthorized)
		case "INTERNAL_SERVER_ERROR", "TIMEOUT":
			return &channel.TransientError{Attempts: 1, Err: fmt.Errorf("shopify: bulk export: the export failed on Shopify's side (%s)", op.ErrorCode)}
		}
		return fmt.Errorf("shopify: bulk export: the export failed on Shopify's side (%s); run the sync again, and if it keeps failing contact Shopify support", orUnknown(op.ErrorCode))
	case "CANCELED":
		return errors.New("shopify: bulk export: the export was cancelled on the shop (by a person or another process of this app); run the sync again")
	case "EXPIRED":
		return errors.New("shopify: bulk export: the export's file has already expired; run the sync again")
	}
	return &channel.MalformedError{What: "shopify: bulk export", Err: fmt.Errorf("the operation has the unknown status %q", op.Status)}
}

func orUnknown(code string) string {
	if code == "" {
		return "no error code given"
	}
	return code
}

// cancelBulkOperation frees the slot of an export nobody will download.
// It runs after ctx ended, so it gets a short context of its own; failing
// is harmless (the next export waits for the slot instead).
func (c *Client) cancelBulkOperation(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = c.graphql(ctx, "cancelling the abandoned bulk export", bulkCancelMutation, map[string]any{"id": id}, nil)
}
