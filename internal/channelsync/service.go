// Package channelsync connects sales channels and runs their syncs as River
// jobs: catalogue import now; order import and stock push build on it.
package channelsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/channel"
	"stocksync/internal/jobs"
	"stocksync/internal/secretbox"
	"stocksync/internal/store"
	"stocksync/internal/text"
)

// Service is what handlers and workers call; it owns the sealing of
// credentials so that nothing else ever sees them in the clear.
type Service struct {
	store *store.Store
	box   *secretbox.Box
	opts  channel.Options
	log   *slog.Logger
	now   func() time.Time
	// BatchSize is how many listings are gathered before one import
	// transaction; bigger batches are faster, smaller ones show progress sooner.
	BatchSize int
	// ImportWorkers is how many batches import at once (one connection each).
	ImportWorkers int
	// ProgressEvery sends a batch smaller than BatchSize once this long has
	// passed, so a slow channel's run still shows progress.
	ProgressEvery time.Duration
	// BulkWaitLimit is how many listings a first import's bulk load may hold
	// back (see Importer) before it ends the load early and imports the rest
	// of the run the usual way, so memory stays bounded.
	BulkWaitLimit int
	// deadAfter and beatEvery: see SetDeadAfter.
	deadAfter, beatEvery time.Duration
	push                 PushTiming
	// jobs is the River client pushes are enqueued with (see Register).
	jobs func() *jobs.Client
}

func NewService(st *store.Store, secretKey []byte, opts channel.Options, log *slog.Logger) (*Service, error) {
	box, err := secretbox.New(secretKey)
	if err != nil {
		return nil, fmt.Errorf("channelsync: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: st, box: box, opts: opts, log: log, now: time.Now, BatchSize: 10000, ImportWorkers: 2, ProgressEvery: 2 * time.Second, BulkWaitLimit: 50_000}
	s.SetDeadAfter(DefaultDeadAfter)
	s.push = PushTiming{}.withDefaults()
	// Stock changes mark the listings to push (the store does); Register
	// gives the enqueuer the job client that sends them.
	st.SetPushEnqueuer(func(ctx context.Context, tx *sqlx.Tx, channelIDs []int64, trigger string) error {
		return enqueuePushes(ctx, s.jobsClient(), tx.Tx, channelIDs, trigger)
	})
	return s, nil
}

func sealContext(kind string) string { return "channel-credentials:" + kind }

// ConnectRequest is what the Connect form sends.
type ConnectRequest struct {
	Kind           string
	Name           string
	Credentials    map[string]string
	SyncInterval   time.Duration
	FirstSyncDelay time.Duration
	UserID         int64
}

// FieldError is bad input for one form field; Field "" is about the form.
type FieldError struct{ Field, Message string }

func (e *FieldError) Error() string { return e.Message }

// Validate checks a connect request's own fields, not the credentials'
// truth (TestConnection does that).
func (r *ConnectRequest) Validate() (channel.Kind, error) {
	kind, ok := channel.Lookup(r.Kind)
	if !ok {
		return kind, &FieldError{"kind", "Choose a kind of channel."}
	}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		return kind, &FieldError{"name", "Give the channel a name staff will recognise, such as “Main Shopify store”."}
	}
	if len(r.Name) > 100 {
		return kind, &FieldError{"name", "Use at most 100 characters."}
	}
	for _, f := range kind.Fields {
		r.Credentials[f.Name] = strings.TrimSpace(r.Credentials[f.Name])
		if r.Credentials[f.Name] == "" && !f.Optional {
			return kind, &FieldError{"cred_" + f.Name, f.Label + " is required."}
		}
	}
	if err := CheckSchedule(r.SyncInterval, r.FirstSyncDelay); err != nil {
		return kind, err
	}
	return kind, nil
}

// CheckSchedule keeps intervals within what the channels' rate limits and
// staff expectations allow.
func CheckSchedule(interval, delay time.Duration) error {
	if interval < 5*time.Minute || interval > 24*time.Hour {
		return &FieldError{"sync_interval", "Sync every 5 minutes at the most often, and at least once a day."}
	}
	if delay < 0 || delay > 24*time.Hour {
		return &FieldError{"first_sync_delay", "The first sync can wait between 0 minutes and 24 hours."}
	}
	return nil
}

// TestConnection builds the connector and makes one cheap call. Where the
// call rotates a credential (Etsy's refresh token), creds is updated in
// place, so that what is then stored is what still works.
func (s *Service) TestConnection(ctx context.Context, kind channel.Kind, creds map[string]string) error {
	opts := s.opts
	opts.SaveCredentials = func(_ context.Context, changed map[string]string) error {
		maps.Copy(creds, changed)
		return nil
	}
	conn, err := kind.New(maps.Clone(creds), opts)
	if err == nil {
		verifyCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err = conn.Verify(verifyCtx)
		cancel()
	} else if !errors.Is(err, channel.ErrUnreachable) {
		return &FieldError{"", fmt.Sprintf("The details are incomplete: %v.", err)}
	}
	if err != nil {
		// The person sees one sentence for every network failure; the
		// operator finds the detail here.
		s.log.Info("channelsync: connection test failed", "kind", kind.Name, "err", err)
		return &FieldError{"", DescribeError(err)}
	}
	return nil
}

// Connect verifies the credentials and stores the channel, sealed.
func (s *Service) Connect(ctx context.Context, r ConnectRequest) (int64, error) {
	kind, err := r.Validate()
	if err != nil {
		return 0, err
	}
	if err := s.TestConnection(ctx, kind, r.Credentials); err != nil {
		return 0, err
	}
	plain, err := json.Marshal(r.Credentials)
	if err != nil {
		return 0, err
	}
	return s.store.CreateChannel(ctx, store.NewChannel{
		Kind: kind.Name, Name: r.Name,
		Credentials:     s.box.Seal(plain, sealContext(kind.Name)),
		CredentialsHint: hint(kind, r.Credentials),
		SyncInterval:    r.SyncInterval, FirstSyncDelay: r.FirstSyncDelay, CreatedBy: r.UserID,
	})
}

// hint shows the last four characters of the first secret field, enough to
// tell two stores apart and too little to use.
func hint(kind channel.Kind, creds map[string]string) string {
	for _, f := range kind.Fields {
		if f.Secret {
			v := creds[f.Name]
			if len(v) > 8 {
				return "…" + v[len(v)-4:]
			}
			return "…"
		}
	}
	return ""
}

// connector opens a stored channel's credentials and builds its client.
func (s *Service) connector(ch store.Channel) (channel.Connector, error) {
	kind, ok := channel.Lookup(ch.Kind)
	if !ok {
		return nil, fmt.Errorf("channelsync: this server does not know channels of kind %q", ch.Kind)
	}
	creds, err := s.credentials(ch)
	if err != nil {
		return nil, err
	}
	opts := s.opts
	opts.SaveCredentials = func(ctx context.Context, changed map[string]string) error {
		plain, err := json.Marshal(changed)
		if err != nil {
			return err
		}
		return s.store.SaveChannelCredentials(ctx, ch.ID, s.box.Seal(plain, sealContext(ch.Kind)))
	}
	opts.LoadCredentials = func(ctx context.Context) (map[string]string, error) {
		fresh, err := s.store.Channel(ctx, ch.ID)
		if err != nil {
			return nil, err
		}
		return s.credentials(fresh)
	}
	opts.Throttled = s.recordThrottle(ch.ID)
	opts.StoredRefs = func(ctx context.Context, externalIDs []string) (map[string]string, error) {
		return s.store.InventoryRefs(ctx, ch.ID, externalIDs)
	}
	return kind.New(creds, opts)
}

// credentials opens a stored channel's credentials.
func (s *Service) credentials(ch store.Channel) (map[string]string, error) {
	plain, err := s.box.Open(ch.Credentials, sealContext(ch.Kind))
	if err != nil {
		return nil, err
	}
	var creds map[string]string
	if err := json.Unmarshal(plain, &creds); err != nil {
		return nil, fmt.Errorf("channelsync: stored credentials: %w", err)
	}
	return creds, nil
}

// DescribeError turns a connector error into a sentence for staff. Every
// way of not reaching the channel reads the same, so that the form cannot
// be used to learn which addresses and ports answer. The sentence is text
// that can be stored whatever the channel's answer quoted in it held.
func DescribeError(err error) string { return text.Clean(describeError(err)) }

func describeError(err error) string {
	var quota *channel.QuotaError
	var malformed *channel.MalformedError
	var transient *channel.TransientError
	var notAPI *channel.NotAPIError
	var redirect *channel.RedirectError
	switch {
	case errors.As(err, &quota):
		return sentence(quota.Reason + " until " + quota.Until.UTC().Format("2006-01-02 15:04 MST") + "; the next sync after that tries again")
	case errors.Is(err, channel.ErrUnreachable):
		return "stocksync could not reach the store at this address. Check the address; if it is right, try again later."
	case errors.As(err, &notAPI):
		return sentence(notAPI.Error())
	case errors.As(err, &redirect):
		return sentence(redirect.Error())
	case errors.Is(err, channel.ErrUnauthorized):
		return "The channel rejected the credentials: reconnect it with a valid key or token."
	case errors.As(err, &malformed):
		return "The channel sent a response that could not be read (" + err.Error() + "). It is usually temporary; if it persists, contact the channel's support."
	case errors.As(err, &transient):
		return "The channel did not answer properly after several tries (" + err.Error() + "). The next sync tries again."
	case errors.Is(err, context.DeadlineExceeded):
		return "The channel took too long to answer. Check the address, then try again."
	}
	return "The channel could not be reached: " + err.Error() + "."
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Reconnect replaces a channel's credentials after checking them, which
// also clears its "needs attention" state.
func (s *Service) Reconnect(ctx context.Context, ch store.Channel, creds map[string]string) error {
	kind, ok := channel.Lookup(ch.Kind)
	if !ok {
		return &FieldError{"", fmt.Sprintf("This server does not know channels of kind %q.", ch.Kind)}
	}
	for _, f := range kind.Fields {
		creds[f.Name] = strings.TrimSpace(creds[f.Name])
		if creds[f.Name] == "" && !f.Optional {
			return &FieldError{"cred_" + f.Name, f.Label + " is required."}
		}
	}
	// An optional secret left blank keeps the one stored: reconnecting
	// after a rotated token must not silently switch webhooks off.
	if old, err := s.credentials(ch); err == nil {
		for _, f := range kind.Fields {
			if f.Optional && creds[f.Name] == "" {
				creds[f.Name] = old[f.Name]
			}
		}
	}
	if err := s.TestConnection(ctx, kind, creds); err != nil {
		return err
	}
	plain, err := json.Marshal(creds)
	if err != nil {
		return err
	}
	return s.store.ReplaceCredentials(ctx, ch.ID, s.box.Seal(plain, sealContext(kind.Name)), hint(kind, creds))
}
