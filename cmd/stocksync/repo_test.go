package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A clone holds everything its documents point to, and the README names the
// Go version go.mod asks for.
func TestDocumentsStayInsideTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(read("go.mod"))
	if m == nil {
		t.Fatal("go.mod names no go version")
	}
	readme := read("README.md")
	if !strings.Contains(readme, "Go "+m[1]) {
		t.Errorf("README.md does not name the Go version go.mod needs (%s)", m[1])
	}

	out, err := exec.Command("git", "-C", root, "ls-files").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		if strings.HasSuffix(f, ".go") && strings.HasSuffix(f, "_test.go") {
			continue // this test names what it looks for
		}
		if strings.Contains(read(f), "../shared") {
			t.Errorf("%s points outside the repository (../shared)", f)
		}
	}
	link := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`)
	for _, doc := range []string{"README.md", "ARCHITECTURE.md"} {
		for _, l := range link.FindAllStringSubmatch(read(doc), -1) {
			target := l[1]
			if strings.Contains(target, "://") {
				continue
			}
			p := filepath.Join(root, target)
			if rel, err := filepath.Rel(root, p); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links %s, outside the repository", doc, target)
			} else if _, err := os.Stat(p); err != nil {
				t.Errorf("%s links %s, which is missing", doc, target)
			}
		}
	}
}
