// Package auth holds users, roles, password rules and the sign-in throttle
// policy. It knows nothing of HTTP or SQL.
package auth

import (
	"errors"
	"net/mail"
	"strings"
	"time"
)

type Role string

const (
	RoleAdmin Role = "admin"
	RoleStaff Role = "staff"
)

func ParseRole(s string) (Role, error) {
	switch Role(strings.TrimSpace(s)) {
	case RoleAdmin:
		return RoleAdmin, nil
	case RoleStaff:
		return RoleStaff, nil
	}
	return "", errors.New("role must be admin or staff")
}

type User struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	PasswordHash string     `db:"password_hash"`
	Role         Role       `db:"role"`
	Disabled     bool       `db:"disabled"`
	CreatedAt    time.Time  `db:"created_at"`
	LastLoginAt  *time.Time `db:"last_login_at"`
}

func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// DisplayName is the part of the e-mail before the @, for greetings.
func (u User) DisplayName() string {
	name, _, _ := strings.Cut(u.Email, "@")
	return name
}

// NormalizeEmail trims and lower-cases an address and checks its shape.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errors.New("enter an e-mail address")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s, "@") {
		return "", errors.New("enter an e-mail address such as name@example.com")
	}
	return s, nil
}

var (
	ErrNotFound     = errors.New("auth: user not found")
	ErrEmailTaken   = errors.New("auth: a user with this e-mail already exists")
	ErrLastAdmin    = errors.New("auth: the last active admin cannot be demoted or disabled")
	ErrBadPassword  = errors.New("auth: wrong password")
	ErrUserDisabled = errors.New("auth: user disabled")
)
