// Package views_test guards what the templates can reach.
package views_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "stocksync/"

// Views are given the data they show, in types declared for that. A view
// that imported the store, directly or through another package, could be
// handed a stored row again, and the channel row carries sealed credentials.
// Generated _templ.go files are parsed too: they carry the .templ imports.
func TestNoViewReachesTheStore(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	// via[p] is the package through which p was first reached, to name the chain.
	via := map[string]string{}
	var queue []string
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		p := module + filepath.ToSlash(filepath.Join("views", path))
		via[p] = ""
		queue = append(queue, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range imports(t, filepath.Join(root, strings.TrimPrefix(p, module))) {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if _, seen := via[imp]; seen {
				continue
			}
			via[imp] = p
			queue = append(queue, imp)
		}
	}
	if from, ok := via[module+"internal/store"]; ok {
		chain := []string{module + "internal/store"}
		for p := from; p != ""; p = via[p] {
			chain = append(chain, p)
		}
		t.Errorf("views reach the store: %s", strings.Join(chain, " ← "))
	}
}

// imports lists what the package in dir imports, tests left out.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, path)
		}
	}
	return out
}
