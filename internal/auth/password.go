package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// BcryptCost is lowered only by tests, where hashing time is not the point.
var BcryptCost = bcrypt.DefaultCost

const MinPasswordLength = 10

func CheckPasswordRules(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return fmt.Errorf("use at least %d characters", MinPasswordLength)
	}
	if len(pw) > 72 {
		// bcrypt ignores everything past 72 bytes; refusing is more honest.
		return errors.New("use at most 72 bytes")
	}
	return nil
}

func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the e-mail is unknown, so a wrong
// address costs the same time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("stocksync-no-such-user"), bcrypt.DefaultCost)

// VerifyPassword compares pw with hash; an empty hash means "no such user"
// and still spends a bcrypt comparison.
func VerifyPassword(hash, pw string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// RandomPassword gives a temporary password without look-alike characters.
func RandomPassword() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = passwordAlphabet[int(b[i])%len(passwordAlphabet)]
	}
	return string(b)
}
