// Package migrations holds the numbered SQL migrations, embedded so the
// binary migrates its own database. Each file runs in its own transaction.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
