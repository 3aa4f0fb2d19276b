package components

// ChannelChoice is a channel as a filter's drop-down offers it.
type ChannelChoice struct {
	ID   int64
	Name string
}
