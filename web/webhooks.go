package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
)

// maxWebhookBody is the largest delivery read; an order of a few hundred
// lines is well under it.
const maxWebhookBody = 1 << 20

// webhook receives a channel's signed delivery. It carries no session and
// no CSRF token: the channel's signature over the raw body is checked
// before anything reads the body, and the delivery is stored and queued
// for import, so the channel is answered at once (Shopify gives up after 5
// seconds and retries).
func (a *App) webhook(c echo.Context) error {
	kind, ok := channel.Lookup(c.Param("kind"))
	id, err := strconv.ParseInt(c.Param("channel"), 10, 64)
	if !ok || kind.Webhook == nil || err != nil {
		return a.noWebhook(c)
	}
	req := c.Request()
	if req.ContentLength > maxWebhookBody {
		return c.String(http.StatusRequestEntityTooLarge, "the body is larger than 1 MiB\n")
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxWebhookBody+1))
	if err != nil {
		return c.String(http.StatusBadRequest, "the body could not be read\n")
	}
	if len(body) > maxWebhookBody {
		return c.String(http.StatusRequestEntityTooLarge, "the body is larger than 1 MiB\n")
	}
	f := kind.Webhook
	out, err := a.channels.ReceiveWebhook(req.Context(), a.jobs, channelsync.IncomingWebhook{
		Kind: kind.Name, ChannelID: id, Body: body, ContentType: req.Header.Get(echo.HeaderContentType),
		Signature: req.Header.Get(f.SignatureHeader), DeliveryID: req.Header.Get(f.DeliveryHeader), Topic: req.Header.Get(f.TopicHeader),
	})
	switch {
	case errors.Is(err, channelsync.ErrNoWebhook):
		return a.noWebhook(c)
	case errors.Is(err, channelsync.ErrBadSignature):
		return c.String(http.StatusUnauthorized, "the signature is missing or does not match this channel's webhook secret\n")
	case err != nil:
		return err
	}
	switch out {
	case channelsync.WebhookDuplicate:
		return c.String(http.StatusOK, "already received\n")
	case channelsync.WebhookPing:
		return c.String(http.StatusOK, "ok\n")
	}
	return c.String(http.StatusOK, "received\n")
}
