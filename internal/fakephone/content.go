package fakephone

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Command runs Android's `content` command (args after "content") and
// writes what Android's Content.java writes: query rows as
// "Row: N col=value, col=value" with NULL for null and no escaping,
// "No result found." for an empty result, nothing for insert, update and
// delete. Provider exceptions go to stderr as "Error while accessing
// provider:<authority>" followed by the exception; argument errors print
// the usage and "[ERROR] <message>" on stdout. As on Android, the exit
// status is 0 either way.
func (p *Provider) Command(args []string, out, errOut *strings.Builder) int {
	usage := func(format string, a ...any) int {
		out.WriteString(usageText)
		fmt.Fprintf(out, "[ERROR] "+format+"\n", a...)
		return 0
	}
	if len(args) == 0 {
		return usage("Unsupported operation: null")
	}
	sub := args[0]
	var uri, whereText, sortBy string
	var projection []string
	binds := map[string]val{}
	for i := 1; i < len(args); i++ {
		opt := args[i]
		if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") || args[i+1] == "" {
			return usage("No value for argument: %s", opt)
		}
		arg := args[i+1]
		i++
		switch opt {
		case "--uri":
			uri = arg
		case "--user":
		case "--projection":
			projection = strings.Split(arg, ":")
		case "--where":
			whereText = arg
		case "--sort":
			sortBy = arg
		case "--bind":
			col, v, err := parseBind(arg, p.sdk)
			if err != nil {
				return usage("%v", err)
			}
			binds[col] = v
		default:
			return usage("Unsupported argument: %s", opt)
		}
	}
	switch sub {
	case "query", "insert", "update", "delete":
	default:
		return usage("Unsupported operation: %s", sub)
	}
	if uri == "" {
		return usage("Content provider URI not specified. Did you specify --uri argument?")
	}
	if (sub == "insert" || sub == "update") && len(binds) == 0 {
		return usage("Bindings not specified. Did you specify --bind argument(s)?")
	}
	authority := strings.TrimPrefix(uri, "content://")
	authority, _, _ = strings.Cut(authority, "/")
	w, err := parseWhere(whereText)
	if err != nil {
		err = sqliteErr("%v (code 1 SQLITE_ERROR)", err)
	}
	if err == nil {
		p.mu.Lock()
		err = p.dispatch(sub, uri, projection, w, sortBy, binds, out)
		p.mu.Unlock()
	}
	if err != nil {
		var pe *providerError
		if !errors.As(err, &pe) {
			pe = &providerError{"java.lang.IllegalArgumentException", err.Error()}
		}
		fmt.Fprintf(errOut, "Error while accessing provider:%s\n%s\n\tat android.os.Parcel.createException(Parcel.java:2357)\n", authority, pe)
	}
	return 0
}

func (p *Provider) dispatch(sub, uri string, projection []string, w where, sortBy string, binds map[string]val, out *strings.Builder) error {
	switch sub {
	case "query":
		cols, rows, err := p.query(uri, projection, w, sortBy)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			out.WriteString("No result found.\n")
			return nil
		}
		for n, r := range rows {
			fmt.Fprintf(out, "Row: %d ", n)
			for i, v := range r {
				if i > 0 {
					out.WriteString(", ")
				}
				s := v.s
				if v.null {
					s = "NULL"
				}
				out.WriteString(cols[i] + "=" + s)
			}
			out.WriteByte('\n')
		}
		return nil
	case "insert":
		_, err := p.insert(uri, binds)
		p.countWrite(err)
		return err
	case "update":
		_, err := p.update(uri, binds, w)
		p.countWrite(err)
		return err
	case "delete":
		_, err := p.remove(uri, w)
		p.countWrite(err)
		return err
	}
	return fmt.Errorf("Unsupported operation: %s", sub)
}

// usageText starts Content.java's usage message.
const usageText = "usage: adb shell content [subcommand] [options]\n\n"

// parseBind reads "column:type:value" as Content.java does: from API 30
// the argument splits at unescaped colons into exactly three parts
// (backslash escapes the next character); before, the value is
// everything after the second colon, taken literally.
func parseBind(arg string, sdk int) (string, val, error) {
	var col, typ, value string
	if sdk >= 30 {
		parts, err := splitEscaped(arg)
		if err != nil || len(parts) != 3 {
			return "", val{}, fmt.Errorf("Binding not well formed: %s", arg)
		}
		col, typ, value = parts[0], parts[1], parts[2]
	} else {
		var rest string
		var ok1, ok2 bool
		col, rest, ok1 = strings.Cut(arg, ":")
		typ, value, ok2 = strings.Cut(rest, ":")
		if !ok1 || !ok2 {
			return "", val{}, fmt.Errorf("Binding not well formed: %s", arg)
		}
		if typ == "n" {
			return "", val{}, fmt.Errorf("Unsupported type: %s", typ)
		}
	}
	switch typ {
	case "s":
		return col, val{s: value}, nil
	case "n":
		return col, val{null: true}, nil
	case "b":
		if strings.EqualFold(value, "true") {
			return col, val{s: "1"}, nil
		}
		return col, val{s: "0"}, nil
	case "i", "l":
		bits := 64
		if typ == "i" && sdk >= 30 {
			bits = 32 // Integer.parseInt
		}
		n, err := strconv.ParseInt(value, 10, bits)
		if err != nil {
			return "", val{}, fmt.Errorf("java.lang.NumberFormatException: For input string: %q", value)
		}
		return col, val{s: strconv.FormatInt(n, 10)}, nil
	case "f", "d":
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return "", val{}, fmt.Errorf("java.lang.NumberFormatException: For input string: %q", value)
		}
		return col, val{s: strconv.FormatFloat(f, 'f', -1, 64)}, nil
	}
	return "", val{}, fmt.Errorf("Unsupported type: %s", typ)
}

func splitEscaped(s string) ([]string, error) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
			if i == len(s) {
				return nil, fmt.Errorf("Invalid escaping")
			}
			cur.WriteByte(s[i])
		case c == ':':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String()), nil
}
