// Package channels renders the Channels pages: the list, the Connect form
// and a channel's page.
package channels

import (
	"strconv"
	"strings"
	"time"
)

func channelURL(id int64, suffix string) string {
	return "/channels/" + strconv.FormatInt(id, 10) + suffix
}

func minutes(d time.Duration) string { return strconv.Itoa(int(d.Minutes())) }

// Status is the one-word state shown beside a channel.
func Status(c Channel) (label, class string) {
	switch {
	case c.DisconnectedAt != nil:
		return "disconnected", "text-bg-secondary"
	case c.NeedsAttention != nil:
		return "needs attention", "text-bg-warning"
	case !c.Enabled:
		return "paused", "text-bg-secondary"
	}
	return "connected", "text-bg-success"
}

func when(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.Local().Format("2 Jan 15:04")
}

func nextSync(c Channel, now time.Time) string {
	switch {
	case c.DisconnectedAt != nil:
		return "never (disconnected)"
	case !c.Enabled:
		return "paused"
	case c.NeedsAttention != nil:
		return "after it is reconnected"
	case c.NextSyncAt == nil:
		return "—"
	case !c.NextSyncAt.After(now):
		return "due now"
	}
	return c.NextSyncAt.Local().Format("2 Jan 15:04") + " (in " + roughly(c.NextSyncAt.Sub(now)) + ")"
}

func roughly(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	if d < time.Hour {
		return strconv.Itoa(int(d.Minutes()+0.5)) + " min"
	}
	return strconv.Itoa(int(d.Hours())) + " h " + strconv.Itoa(int(d.Minutes())%60) + " min"
}

func itoa(i int) string { return strconv.Itoa(i) }

// active tells whether a sync of the channel is queued or running.
func (s ShowPage) active() bool {
	return s.Queued || (s.Latest != nil && s.Latest.Status == "running")
}

// busyReason says why the sync buttons are disabled.
func (s ShowPage) busyReason() string {
	if s.Latest != nil && s.Latest.Status == "running" {
		return "A sync is running — started " + ago(s.Now.Sub(s.Latest.StartedAt)) + " ago"
	}
	return "A sync is queued"
}

// pollURL keeps the notice of the page being polled until the sync ends.
func pollURL(s ShowPage) string {
	if s.Notice == "" {
		return channelURL(s.Channel.ID, "")
	}
	return channelURL(s.Channel.ID, "?sync="+s.Notice)
}

// What Sync now tells, keyed by the redirect's sync parameter.
const (
	NoticeStarted = "started"
	NoticeAlready = "already"
)

func noticeText(key string) string {
	switch key {
	case NoticeStarted:
		return "Sync started. Progress shows below."
	case NoticeAlready:
		return "A sync of this channel is already queued or running; progress shows below."
	}
	return ""
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(max(0, int(d.Seconds()))) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	}
	return strconv.Itoa(int(d.Hours())) + " h " + strconv.Itoa(int(d.Minutes())%60) + " min"
}

func joinTopics(ts []string) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += ", "
		}
		out += t
	}
	return out
}

// secretHelp is the kind's own words on where its webhook secret comes from.
func secretHelp(s ShowPage) string {
	if s.Kind != nil {
		for _, f := range s.Kind.Fields {
			if f.Name == "webhook_secret" && f.Help != "" {
				return f.Help
			}
		}
	}
	return ""
}

// reconnectLabel turns "Connect with Etsy" into "Reconnect with Etsy".
func reconnectLabel(button string) string {
	if rest, ok := strings.CutPrefix(button, "Connect"); ok {
		return "Reconnect" + rest
	}
	return button
}
