// Package fakekit holds what the channel fakes have in common: fault
// switches, the call log, a body-truncating writer for malformed answers,
// and a deterministic catalogue generator. Each fake keeps its own wire
// format; only the machinery is shared.
package fakekit
