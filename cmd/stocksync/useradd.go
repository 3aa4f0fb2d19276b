package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"stocksync/internal/auth"
)

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address")
	role := fs.String("role", "staff", "admin or staff")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("user add: %v", err)
	}
	addr, err := auth.NormalizeEmail(*email)
	if err != nil {
		return fmt.Errorf("user add: --email: %v", err)
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("user add: --role: %v", err)
	}
	if !*fromStdin {
		return errors.New("user add: give the password on standard input with --password-stdin (it never goes on the command line)")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.CheckPasswordRules(pw); err != nil {
		return fmt.Errorf("user add: password: %v", err)
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	if pending, err := st.PendingMigrations(ctx); err != nil {
		return err
	} else if pending {
		return errors.New("user add: the database has pending migrations: run `stocksync migrate` first")
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, addr, r, hash)
	if errors.Is(err, auth.ErrEmailTaken) {
		return fmt.Errorf("user add: a user with e-mail %s already exists", addr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added user %s (%s), id %d\n", u.Email, u.Role, u.ID)
	return nil
}
