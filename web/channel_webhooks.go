package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
	"stocksync/views/components"
)

// keyWebhookErrors carries the webhook secret form's errors to the page.
const keyWebhookErrors = "webhook_errors"

// recentDeliveries is how many deliveries a channel's page lists.
const recentDeliveries = 10

// webhooksView is the channel page's Webhooks card; nil when the kind has
// no webhooks.
func (a *App) webhooksView(c echo.Context, ch store.Channel) (*channelviews.Webhooks, error) {
	errs, _ := c.Get(keyWebhookErrors).(components.FieldErrors)
	k, ok := channel.Lookup(ch.Kind)
	if !ok || k.Webhook == nil || isHTMX(c) { // an htmx request gets the live part only
		return nil, nil
	}
	st, err := a.store.WebhookStatus(c.Request().Context(), ch.ID, recentDeliveries)
	if err != nil {
		return nil, err
	}
	w := &channelviews.Webhooks{Address: a.webhookAddress(c, ch), Topics: k.Webhook.OrderTopics, SecretSet: a.channels.WebhookSecretSet(ch),
		Deliveries: st.Deliveries, LastDeliveryAt: st.LastDeliveryAt, Rejected: st.Rejected, LastRejectedAt: st.LastRejectedAt, Errors: errs}
	for _, d := range st.Recent {
		v := channelviews.WebhookDelivery{ReceivedAt: d.ReceivedAt, Topic: d.Topic, Processed: d.ProcessedAt != nil}
		if d.Error != nil {
			v.Error = *d.Error
		}
		w.Recent = append(w.Recent, v)
	}
	return w, nil
}

// webhookAddress is the absolute address the channel is to deliver to, as
// this server is reached (behind a trusted proxy, its scheme).
func (a *App) webhookAddress(c echo.Context, ch store.Channel) string {
	scheme := "http"
	if a.isTLS(c) {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host + "/webhooks/" + ch.Kind + "/" + strconv.FormatInt(ch.ID, 10)
}

// channelWebhookSecret sets or replaces the webhook secret alone, without
// retyping the API credentials.
func (a *App) channelWebhookSecret(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	if ch.DisconnectedAt != nil {
		return echo.ErrNotFound
	}
	err = a.channels.SetWebhookSecret(c.Request().Context(), ch, c.FormValue("webhook_secret"))
	var fe *channelsync.FieldError
	switch {
	case errors.As(err, &fe):
		c.Set(keyWebhookErrors, components.FieldErrors{fe.Field: fe.Message})
		return a.renderChannel(c, http.StatusUnprocessableEntity, ch, currentSettings(ch), nil)
	case errors.Is(err, store.ErrChannelNotFound):
		return echo.ErrNotFound
	case err != nil:
		return err
	}
	addFlash(c, "success", "Webhook secret saved. Deliveries signed with it are accepted from now on.")
	return a.redirectAfterPost(c, "/channels/"+strconv.FormatInt(ch.ID, 10)+"#webhooks")
}
