package jobs

import (
	"context"
	"time"
)

// PurgeLoginFailuresArgs deletes sign-in failures older than a day; the
// throttle looks back no further.
type PurgeLoginFailuresArgs struct{}

func (PurgeLoginFailuresArgs) Kind() string { return "purge_login_failures" }

type LoginFailurePurger interface {
	DeleteLoginFailuresBefore(ctx context.Context, before time.Time) (int64, error)
}

// AddLoginFailurePurge registers the worker and runs it hourly.
func AddLoginFailurePurge(reg *Registry, store LoginFailurePurger) {
	addHourlyPurge(reg, PurgeLoginFailuresArgs{}, 24*time.Hour, store.DeleteLoginFailuresBefore)
}
