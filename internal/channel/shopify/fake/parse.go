package fake

import (
	"encoding/json"
	"fmt"
)

// This file is a small GraphQL parser: enough of the language for the fake to
// read what real clients send (one operation, variables with defaults,
// arguments, aliases, directives, nested selections), so that the client
// under test must send real GraphQL. Fragments are refused with a clear
// error rather than half supported.

// field is one selected field with its arguments already resolved against
// the request's variables.
type field struct {
	alias, name string
	args        map[string]any
	directives  map[string]map[string]any
	selections  []*field
}

func (f *field) key() string {
	if f.alias != "" {
		return f.alias
	}
	return f.name
}

type operation struct {
	kind   string // "query" or "mutation"
	fields []*field
}

// parseOperation parses src, substituting vars.
func parseOperation(src string, vars map[string]any) (*operation, error) {
	p := &parser{lex: lexer{src: src}, vars: vars}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return p.document()
}

type parser struct {
	lex  lexer
	tok  token
	vars map[string]any
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tokPunct || p.tok.kind == tokName) && p.tok.text == text
}

func (p *parser) expect(text string) error {
	if !p.is(text) {
		return p.unexpected("expected " + text)
	}
	return p.advance()
}

func (p *parser) unexpected(hint string) error {
	if p.tok.kind == tokEOF {
		return fmt.Errorf("Parse error on end of query: %s", hint)
	}
	return fmt.Errorf("Parse error on %q (at offset %d): %s", p.tok.text, p.tok.pos, hint)
}

func (p *parser) name() (string, error) {
	if p.tok.kind != tokName {
		return "", p.unexpected("expected a name")
	}
	n := p.tok.text
	return n, p.advance()
}

func (p *parser) document() (*operation, error) {
	op := &operation{kind: "query"}
	switch {
	case p.is("{"):
	case p.is("query") || p.is("mutation"):
		op.kind = p.tok.text
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokName {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if p.is("(") {
			if err := p.variableDefinitions(); err != nil {
				return nil, err
			}
		}
		if _, err := p.directives(); err != nil {
			return nil, err
		}
	case p.is("subscription") || p.is("fragment"):
		return nil, fmt.Errorf("%ss are not supported", p.tok.text)
	default:
		return nil, p.unexpected("expected query or mutation")
	}
	fields, err := p.selectionSet()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected("only one operation per document is supported")
	}
	op.fields = fields
	return op, nil
}

// variableDefinitions reads ($a: Type = default, ...) and applies defaults
// for variables the request left out.
func (p *parser) variableDefinitions() error {
	if err := p.expect("("); err != nil {
		return err
	}
	for !p.is(")") {
		if err := p.expect("$"); err != nil {
			return err
		}
		name, err := p.name()
		if err != nil {
			return err
		}
		if err := p.expect(":"); err != nil {
			return err
		}
		if err := p.typeRef(); err != nil {
			return err
		}
		if p.is("=") {
			if err := p.advance(); err != nil {
				return err
			}
			def, err := p.value()
			if err != nil {
				return err
			}
			if _, given := p.vars[name]; !given {
				if p.vars == nil {
					p.vars = map[string]any{}
				}
				p.vars[name] = def
			}
		}
		if _, err := p.directives(); err != nil {
			return err
		}
	}
	return p.advance()
}

func (p *parser) typeRef() error {
	if p.is("[") {
		if err := p.advance(); err != nil {
			return err
		}
		if err := p.typeRef(); err != nil {
			return err
		}
		if err := p.expect("]"); err != nil {
			return err
		}
	} else if _, err := p.name(); err != nil {
		return err
	}
	if p.is("!") {
		return p.advance()
	}
	return nil
}

func (p *parser) selectionSet() ([]*field, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var fields []*field
	for !p.is("}") {
		if p.is("...") {
			return nil, fmt.Errorf("fragments are not supported by this fake")
		}
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return nil, p.unexpected("a selection set must not be empty")
	}
	return fields, p.advance()
}

func (p *parser) field() (*field, error) {
	f := &field{}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	if p.is(":") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		f.alias = name
		if name, err = p.name(); err != nil {
			return nil, err
		}
	}
	f.name = name
	if p.is("(") {
		if f.args, err = p.arguments(); err != nil {
			return nil, err
		}
	}
	if f.directives, err = p.directives(); err != nil {
		return nil, err
	}
	if p.is("{") {
		if f.selections, err = p.selectionSet(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (p *parser) arguments() (map[string]any, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	args := map[string]any{}
	for !p.is(")") {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if args[name], err = p.value(); err != nil {
			return nil, err
		}
	}
	return args, p.advance()
}

func (p *parser) directives() (map[string]map[string]any, error) {
	var dirs map[string]map[string]any
	for p.is("@") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		args := map[string]any{}
		if p.is("(") {
			if args, err = p.arguments(); err != nil {
				return nil, err
			}
		}
		if dirs == nil {
			dirs = map[string]map[string]any{}
		}
		dirs[name] = args
	}
	return dirs, nil
}

// value reads a literal or a variable. Numbers come out as json.Number, the
// same as numbers in the variables JSON, so resolvers read both alike.
func (p *parser) value() (any, error) {
	t := p.tok
	switch {
	case p.is("$"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		return p.vars[name], nil
	case p.is("["):
		if err := p.advance(); err != nil {
			return nil, err
		}
		list := []any{}
		for !p.is("]") {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, p.advance()
	case p.is("{"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		obj := map[string]any{}
		for !p.is("}") {
			name, err := p.name()
			if err != nil {
				return nil, err
			}
			if err := p.expect(":"); err != nil {
				return nil, err
			}
			if obj[name], err = p.value(); err != nil {
				return nil, err
			}
		}
		return obj, p.advance()
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch t.kind {
	case tokInt, tokFloat:
		return json.Number(t.text), nil
	case tokString:
		return t.text, nil
	case tokName:
		switch t.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return t.text, nil // an enum value
	}
	return nil, fmt.Errorf("Parse error on %q (at offset %d): expected a value", t.text, t.pos)
}
