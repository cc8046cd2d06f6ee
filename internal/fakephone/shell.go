package fakephone

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// run executes a shell command line as the phone's /system/bin/sh would,
// for the subset Cradle uses: words with '…', "…" and \ quoting, commands
// joined by ";", "&&" or newlines, and the commands content, echo, true
// and false.
func (p *Phone) run(line string) (stdout, stderr []byte, code int) {
	cmds, ops, err := splitShell(line)
	if err != nil {
		return nil, []byte("/system/bin/sh: " + err.Error() + "\n"), 2
	}
	var out, errOut strings.Builder
	for i, args := range cmds {
		if i > 0 && ops[i-1] == "&&" && code != 0 {
			continue
		}
		for j, a := range args {
			// The only expansion Cradle relies on: $? in the legacy
			// (non-shell_v2) exit status trailer.
			args[j] = strings.ReplaceAll(a, "$?", strconv.Itoa(code))
		}
		code = p.exec(args, &out, &errOut)
	}
	return []byte(out.String()), []byte(errOut.String()), code
}

func (p *Phone) exec(args []string, out, errOut *strings.Builder) int {
	if len(args) == 0 {
		return 0
	}
	switch args[0] {
	case "content":
		return p.provider.Command(args[1:], out, errOut)
	case "getprop":
		if len(args) == 2 && args[1] == "ro.build.version.sdk" {
			fmt.Fprintf(out, "%d\n", p.opts.SDK)
		} else {
			out.WriteString("\n")
		}
		return 0
	case "echo":
		out.WriteString(strings.Join(args[1:], " ") + "\n")
		return 0
	case "true":
		return 0
	case "false":
		return 1
	}
	fmt.Fprintf(errOut, "/system/bin/sh: %s: inaccessible or not found\n", args[0])
	return 127
}

var errSyntax = errors.New("syntax error: unterminated quoted string")

// splitShell splits a command line into commands of words and the
// operators between them.
func splitShell(s string) (cmds [][]string, ops []string, err error) {
	var words []string
	var cur strings.Builder
	inWord := false
	flushWord := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	flushCmd := func(op string) {
		flushWord()
		cmds = append(cmds, words)
		words = nil
		if op != "" {
			ops = append(ops, op)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, nil, errSyntax
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, nil, errSyntax
			}
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			flushWord()
		case c == ';' || c == '\n':
			flushCmd(";")
		case c == '&' && i+1 < len(s) && s[i+1] == '&':
			flushCmd("&&")
			i++
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flushCmd("")
	return cmds, ops, nil
}
