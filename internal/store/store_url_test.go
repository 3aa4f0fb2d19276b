package store

import "testing"

func TestImportConnectionsSendBinaryParameters(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u@127.0.0.1:5432/db?sslmode=disable": "postgres://u@127.0.0.1:5432/db?binary_parameters=yes&sslmode=disable",
		"postgresql://u@h/db":                            "postgresql://u@h/db?binary_parameters=yes",
		"host=/run/postgresql dbname=db":                 "host=/run/postgresql dbname=db binary_parameters=yes",
	} {
		if got := withBinaryParameters(dsn); got != want {
			t.Errorf("withBinaryParameters(%q) = %q, want %q", dsn, got, want)
		}
	}
}

func TestSearchConnectionsRunWithoutParallelWorkers(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u@127.0.0.1:5432/db?sslmode=disable": "postgres://u@127.0.0.1:5432/db?max_parallel_workers_per_gather=0&sslmode=disable",
		"host=/run/postgresql dbname=db":                 "host=/run/postgresql dbname=db max_parallel_workers_per_gather=0",
	} {
		if got := withParameter(dsn, "max_parallel_workers_per_gather", "0"); got != want {
			t.Errorf("withParameter(%q) = %q, want %q", dsn, got, want)
		}
	}
}
