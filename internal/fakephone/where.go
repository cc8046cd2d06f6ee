package fakephone

import (
	"fmt"
	"strconv"
	"strings"
)

// where is a parsed SQL selection: the subset of SQLite expressions that a
// content provider hands to SQLite and Cradle's driver writes — column
// comparisons (=, !=, <>, <, <=, >, >=) with literals, IN lists, IS [NOT]
// NULL, AND, OR and parentheses.
type where interface {
	eval(get func(col string) (val, bool)) (bool, error)
}

type val struct {
	s    string
	null bool
}

type cmpExpr struct {
	col string
	op  string
	lit []val // one for comparisons, many for IN
}

type boolExpr struct {
	and  bool
	l, r where
}

type nullExpr struct {
	col string
	not bool
}

func (e cmpExpr) eval(get func(string) (val, bool)) (bool, error) {
	v, ok := get(e.col)
	if !ok {
		return false, fmt.Errorf("no such column: %s", e.col)
	}
	if v.null {
		return false, nil
	}
	if e.op == "IN" {
		for _, l := range e.lit {
			if !l.null && compare(v.s, l.s) == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	if e.lit[0].null {
		return false, nil
	}
	c := compare(v.s, e.lit[0].s)
	switch e.op {
	case "=", "==":
		return c == 0, nil
	case "!=", "<>":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("operator %s", e.op)
}

// compare orders numerically when both sides are integers, as SQLite does
// for INTEGER-affinity columns.
func compare(a, b string) int {
	x, e1 := strconv.ParseInt(a, 10, 64)
	y, e2 := strconv.ParseInt(b, 10, 64)
	if e1 == nil && e2 == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

func (e nullExpr) eval(get func(string) (val, bool)) (bool, error) {
	v, ok := get(e.col)
	if !ok {
		return false, fmt.Errorf("no such column: %s", e.col)
	}
	return v.null != e.not, nil
}

func (e boolExpr) eval(get func(string) (val, bool)) (bool, error) {
	l, err := e.l.eval(get)
	if err != nil {
		return false, err
	}
	if e.and && !l {
		return false, nil
	}
	if !e.and && l {
		return true, nil
	}
	return e.r.eval(get)
}

type token struct {
	kind byte // 'i' ident, 's' string, 'n' number, 'o' operator/punct
	text string
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unrecognized token: %q", s)
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			toks = append(toks, token{'s', b.String()})
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, token{'n', s[i:j]})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, token{'i', s[i:j]})
			i = j
		case strings.HasPrefix(s[i:], "!=") || strings.HasPrefix(s[i:], "<>") || strings.HasPrefix(s[i:], "<=") ||
			strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "=="):
			toks = append(toks, token{'o', s[i : i+2]})
			i += 2
		case strings.IndexByte("=<>(),", c) >= 0:
			toks = append(toks, token{'o', string(c)})
			i++
		default:
			return nil, fmt.Errorf("unrecognized token: %q", s[i:])
		}
	}
	return toks, nil
}

type parser struct {
	toks []token
	pos  int
}

func parseWhere(s string) (where, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, nil
	}
	p := &parser{toks: toks}
	w, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("near %q: syntax error", p.toks[p.pos].text)
	}
	return w, nil
}

func (p *parser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{}, false
}

func (p *parser) keyword(k string) bool {
	if t, ok := p.peek(); ok && t.kind == 'i' && strings.EqualFold(t.text, k) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) punct(k string) bool {
	if t, ok := p.peek(); ok && t.kind == 'o' && t.text == k {
		p.pos++
		return true
	}
	return false
}

func (p *parser) or() (where, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("OR") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = boolExpr{and: false, l: l, r: r}
	}
	return l, nil
}

func (p *parser) and() (where, error) {
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.keyword("AND") {
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = boolExpr{and: true, l: l, r: r}
	}
	return l, nil
}

func (p *parser) term() (where, error) {
	if p.punct("(") {
		w, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, fmt.Errorf("syntax error: missing )")
		}
		return w, nil
	}
	t, ok := p.peek()
	if !ok || t.kind != 'i' {
		return nil, fmt.Errorf("syntax error: expected column")
	}
	p.pos++
	col := t.text
	if p.keyword("IS") {
		not := p.keyword("NOT")
		if !p.keyword("NULL") {
			return nil, fmt.Errorf("syntax error after IS")
		}
		return nullExpr{col: col, not: not}, nil
	}
	if p.keyword("IN") {
		if !p.punct("(") {
			return nil, fmt.Errorf("syntax error after IN")
		}
		var lits []val
		for {
			l, err := p.literal()
			if err != nil {
				return nil, err
			}
			lits = append(lits, l)
			if p.punct(")") {
				break
			}
			if !p.punct(",") {
				return nil, fmt.Errorf("syntax error in IN list")
			}
		}
		return cmpExpr{col: col, op: "IN", lit: lits}, nil
	}
	op, ok := p.peek()
	if !ok || op.kind != 'o' || strings.IndexByte("=!<>", op.text[0]) < 0 {
		return nil, fmt.Errorf("syntax error after %s", col)
	}
	p.pos++
	l, err := p.literal()
	if err != nil {
		return nil, err
	}
	return cmpExpr{col: col, op: op.text, lit: []val{l}}, nil
}

func (p *parser) literal() (val, error) {
	t, ok := p.peek()
	if !ok {
		return val{}, fmt.Errorf("syntax error: expected value")
	}
	p.pos++
	switch {
	case t.kind == 's' || t.kind == 'n':
		return val{s: t.text}, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "NULL"):
		return val{null: true}, nil
	}
	return val{}, fmt.Errorf("near %q: syntax error", t.text)
}
