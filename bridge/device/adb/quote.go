package adb

import (
	"strconv"
	"strings"
)

// Arguments travel through two parsers: the adb server passes our command
// line to the phone's /system/bin/sh, which splits it into words, and
// `content` then hands --where text to SQLite. So every word is
// shell-quoted, and literals inside --where are SQL-quoted first.

// shellQuote quotes s as one word for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sqlString quotes s as an SQLite string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// dialect is how a phone's `content` command reads --bind, which changed
// in Android 11 (API 30).
type dialect struct {
	// escapeBinds: --bind splits at unescaped colons into exactly three
	// parts, so ':' and '\' in values are escaped with '\'. Before API
	// 30 the value is everything after the second colon, literally.
	escapeBinds bool
	// nullType: the "n" (null) bind type exists (API 30).
	nullType bool
}

func dialectFor(sdk int) dialect {
	return dialect{escapeBinds: sdk >= 30, nullType: sdk >= 30}
}

// contentCmd builds one `content` command line.
type contentCmd struct {
	d     dialect
	words []string
}

func (d dialect) content(op, uri string) *contentCmd {
	return &contentCmd{d: d, words: []string{"content", op, "--uri", shellQuote(uri)}}
}

func (c *contentCmd) bind(col, typ, v string) *contentCmd {
	if c.d.escapeBinds {
		v = strings.NewReplacer(`\`, `\\`, ":", `\:`).Replace(v)
	}
	c.words = append(c.words, "--bind", shellQuote(col+":"+typ+":"+v))
	return c
}

func (c *contentCmd) projection(cols ...string) *contentCmd {
	c.words = append(c.words, "--projection", shellQuote(strings.Join(cols, ":")))
	return c
}

func (c *contentCmd) where(w string) *contentCmd {
	c.words = append(c.words, "--where", shellQuote(w))
	return c
}

func (c *contentCmd) bindString(col, v string) *contentCmd { return c.bind(col, "s", v) }

// bindInt binds a long ("l"): "i" is a 32-bit int from API 30 on.
func (c *contentCmd) bindInt(col string, v int64) *contentCmd {
	return c.bind(col, "l", strconv.FormatInt(v, 10))
}

// bindNull sets col to NULL where the phone has the null type, else to
// the empty string, the nearest older phones can express.
func (c *contentCmd) bindNull(col string) *contentCmd {
	if c.d.nullType {
		return c.bind(col, "n", "")
	}
	return c.bind(col, "s", "")
}

// bindOpt binds v as a string, or NULL when v is empty and null is set
// (updates must clear fields; inserts just leave them out).
func (c *contentCmd) bindOpt(col, v string, null bool) *contentCmd {
	switch {
	case v != "":
		return c.bindString(col, v)
	case null:
		return c.bindNull(col)
	}
	return c
}

func (c *contentCmd) String() string { return strings.Join(c.words, " ") }
