package jobs

import (
	"context"
	"time"
)

// PurgeIdleSessionsArgs deletes sessions unused for longer than the idle
// limit: their cookies are refused already, and the rows would pile up with
// every browser that never signed out.
type PurgeIdleSessionsArgs struct{}

func (PurgeIdleSessionsArgs) Kind() string { return "purge_idle_sessions" }

type SessionPurger interface {
	DeleteSessionsSeenBefore(ctx context.Context, before time.Time) (int64, error)
}

// AddSessionPurge registers the worker and runs it hourly.
func AddSessionPurge(reg *Registry, store SessionPurger, idle time.Duration) {
	addHourlyPurge(reg, PurgeIdleSessionsArgs{}, idle, store.DeleteSessionsSeenBefore)
}
