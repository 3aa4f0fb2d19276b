package main

import "runtime/debug"

// serveGCPercent lets the heap grow to four times what is live before a
// collection. A page allocates a few hundred kilobytes that die with the
// request, and the live heap of a server is some tens of megabytes, so at
// Go's default of 100 the collector ran several times a second under load
// and took a quarter of the CPU a page costs; at 300 it takes a third of
// that, for some tens of megabytes more. GOGC, when set, decides instead.
const serveGCPercent = 300

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}
