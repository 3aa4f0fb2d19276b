// Command stocksync runs the inventory server and its maintenance tasks:
//
//	stocksync serve [--migrate] [--sandbox] [--dev]
//	stocksync migrate
//	stocksync user add --email E --role admin|staff --password-stdin
//
// Configuration comes from the environment (see README.md).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "stocksync:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  stocksync serve [--migrate] [--sandbox] [--dev]
  stocksync migrate
  stocksync user add --email E --role admin|staff --password-stdin`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return fmt.Errorf("no command given\n%s", usage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, log)
	case "migrate":
		return migrate(ctx, getenv, log)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return fmt.Errorf("unknown user command\n%s", usage)
		}
		return userAdd(ctx, args[2:], getenv, stdin, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
