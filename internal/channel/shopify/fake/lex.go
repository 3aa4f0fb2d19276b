package fake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lexer of the small GraphQL parser in parse.go.

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokPunct
	tokName
	tokInt
	tokFloat
	tokString
)

type token struct {
	kind tokenKind
	text string
	pos  int
}

type lexer struct {
	src string
	pos int
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			return l.token()
		}
	}
	return token{kind: tokEOF, pos: l.pos}, nil
}

func (l *lexer) token() (token, error) {
	start := l.pos
	c := l.src[l.pos]
	switch {
	case strings.IndexByte("!$&():=@[]{}|", c) >= 0:
		l.pos++
		return token{tokPunct, string(c), start}, nil
	case strings.HasPrefix(l.src[l.pos:], "..."):
		l.pos += 3
		return token{tokPunct, "...", start}, nil
	case c == '_' || isLetter(c):
		for l.pos < len(l.src) && (l.src[l.pos] == '_' || isLetter(l.src[l.pos]) || isDigit(l.src[l.pos])) {
			l.pos++
		}
		return token{tokName, l.src[start:l.pos], start}, nil
	case c == '-' || isDigit(c):
		return l.number()
	case c == '"':
		return l.string()
	}
	return token{}, fmt.Errorf("Parse error on %q (at offset %d)", string(c), start)
}

func (l *lexer) number() (token, error) {
	start := l.pos
	kind := tokInt
	if l.src[l.pos] == '-' {
		l.pos++
	}
	digits := func() {
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	digits()
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		kind = tokFloat
		l.pos++
		digits()
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		kind = tokFloat
		l.pos++
		if l.pos < len(l.src) && (l.src[l.pos] == '+' || l.src[l.pos] == '-') {
			l.pos++
		}
		digits()
	}
	return token{kind, l.src[start:l.pos], start}, nil
}

func (l *lexer) string() (token, error) {
	start := l.pos
	if strings.HasPrefix(l.src[l.pos:], `"""`) {
		end := strings.Index(l.src[l.pos+3:], `"""`)
		if end < 0 {
			return token{}, fmt.Errorf("Parse error: unterminated block string (at offset %d)", start)
		}
		l.pos += 3 + end + 3
		return token{tokString, l.src[start+3 : l.pos-3], start}, nil
	}
	var b strings.Builder
	l.pos++
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '"':
			l.pos++
			return token{tokString, b.String(), start}, nil
		case c == '\n':
			return token{}, fmt.Errorf("Parse error: unterminated string (at offset %d)", start)
		case c == '\\' && l.pos+1 < len(l.src):
			esc := l.src[l.pos+1]
			l.pos += 2
			switch esc {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if l.pos+4 > len(l.src) {
					return token{}, fmt.Errorf("Parse error: bad unicode escape (at offset %d)", l.pos)
				}
				r, err := strconv.ParseUint(l.src[l.pos:l.pos+4], 16, 32)
				if err != nil {
					return token{}, fmt.Errorf("Parse error: bad unicode escape (at offset %d)", l.pos)
				}
				b.WriteRune(rune(r))
				l.pos += 4
			default:
				b.WriteByte(esc)
			}
		default:
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			b.WriteRune(r)
			l.pos += size
		}
	}
	return token{}, fmt.Errorf("Parse error: unterminated string (at offset %d)", start)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
