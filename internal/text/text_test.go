package text

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanMakesTextFit(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"\xff\xfe":      "\uFFFD",
		"a\x00b":        "ab",
		"caf\xc3":       "caf\uFFFD",
		"é€ ok":         "é€ ok",
		"\x00\xffx\x00": "\uFFFDx",
	} {
		if got := Clean(in); got != want || !Fit(got) {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCutAtBoundaryNeverSplitsACharacter(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{strings.Repeat("a", 199) + "é", 200, strings.Repeat("a", 199)},
		{strings.Repeat("€", 100), 200, strings.Repeat("€", 66)},
		{strings.Repeat("€", 100), 201, strings.Repeat("€", 67)},
		{"short", 200, "short"},
		{"😀😀", 7, "😀"},
		{"😀😀", 8, "😀😀"},
		{"abc", 0, ""},
	}
	for _, c := range cases {
		got := CutAtBoundary(c.in, c.n)
		if got != c.want || !utf8.ValidString(got) || len(got) > c.n {
			t.Errorf("CutAtBoundary(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestProblemNamesWhatCannotBeStored(t *testing.T) {
	if Problem("ok") != "" || !strings.Contains(Problem("a\x00"), "NUL") || !strings.Contains(Problem("\xff"), "UTF-8") {
		t.Fatal("Problem does not name the fault")
	}
}

func TestCleanJSONKeepsFitRecordsAndRescuesTheRest(t *testing.T) {
	fit := json.RawMessage(`{"sku":"A-1"}`)
	if got := CleanJSON(fit); string(got) != string(fit) {
		t.Fatalf("a fit record changed: %s", got)
	}
	for _, raw := range []string{`{"sku":"A\u0000"}`, "{\"sku\":\"\xff\"}", "{\"sku\":\"a\x00\"}"} {
		got := CleanJSON(json.RawMessage(raw))
		var s string
		if err := json.Unmarshal(got, &s); err != nil || !Fit(s) {
			t.Errorf("CleanJSON(%q) = %s", raw, got)
		}
	}
}
