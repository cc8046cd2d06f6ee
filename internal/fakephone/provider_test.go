package fakephone

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitShell(t *testing.T) {
	tests := []struct {
		in   string
		cmds [][]string
		ops  []string
		err  bool
	}{
		{`content query --uri 'a b'`, [][]string{{"content", "query", "--uri", "a b"}}, nil, false},
		{`echo 'it'\''s' && echo "x \"y\" $z"`, [][]string{{"echo", "it's"}, {"echo", `x "y" $z`}}, []string{"&&"}, false},
		{"a; b\nc", [][]string{{"a"}, {"b"}, {"c"}}, []string{";", ";"}, false},
		{`'open`, nil, nil, true},
	}
	for _, tt := range tests {
		cmds, ops, err := splitShell(tt.in)
		if (err != nil) != tt.err {
			t.Fatalf("%q: err %v", tt.in, err)
		}
		if !tt.err && (!reflect.DeepEqual(cmds, tt.cmds) || !reflect.DeepEqual(ops, tt.ops)) {
			t.Errorf("%q: %q %q, want %q %q", tt.in, cmds, ops, tt.cmds, tt.ops)
		}
	}
}

func TestWhere(t *testing.T) {
	row := map[string]val{"_id": {s: "10"}, "name": {s: "O'Brien"}, "gone": {null: true}}
	get := func(c string) (val, bool) { v, ok := row[c]; return v, ok }
	tests := []struct {
		expr string
		want bool
		err  bool
	}{
		{"_id=10", true, false},
		{"_id = 9", false, false},
		{"_id > 9 AND _id < 11", true, false},
		{"name='O''Brien'", true, false},
		{"_id IN (1, 10)", true, false},
		{"gone IS NULL AND (name='x' OR _id=10)", true, false},
		{"gone IS NOT NULL", false, false},
		{"gone = 1", false, false},
		{"nosuch=1", false, true},
		{"_id=", false, true},
		{"_id=1 garbage", false, true},
	}
	for _, tt := range tests {
		w, err := parseWhere(tt.expr)
		var got bool
		if err == nil {
			got, err = w.eval(get)
		}
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("%q = %v, %v; want %v, error %v", tt.expr, got, err, tt.want, tt.err)
		}
	}
}

// The content command's output, byte for byte as Android prints it.
func TestContentOutput(t *testing.T) {
	p := NewProvider()
	run := func(args ...string) (string, string, int) {
		var out, errOut strings.Builder
		code := p.Command(args, &out, &errOut)
		return out.String(), errOut.String(), code
	}
	if out, _, _ := run("query", "--uri", RawContactsURI); out != "No result found.\n" {
		t.Fatalf("empty: %q", out)
	}
	if out, e, code := run("insert", "--uri", RawContactsURI, "--bind", `sync1:s:a, b=c\:d`, "--bind", "starred:i:01"); out != "" || e != "" || code != 0 {
		t.Fatalf("insert printed %q %q %d", out, e, code)
	}
	out, _, _ := run("query", "--uri", RawContactsURI, "--projection", "_id:sync1:starred:sourceid")
	if want := "Row: 0 _id=1, sync1=a, b=c:d, starred=1, sourceid=NULL\n"; out != want {
		t.Fatalf("query %q, want %q", out, want)
	}
	_, e, code := run("insert", "--uri", EventsURI, "--bind", "title:s:x")
	if code != 0 || !strings.HasPrefix(e, "Error while accessing provider:com.android.calendar\njava.lang.IllegalArgumentException") {
		t.Fatalf("provider exception: %q %d", e, code)
	}
	// Argument errors go to stdout after the usage text, with status 0.
	if out, e, code := run("query", "--uri", RawContactsURI, "--bogus", "x"); code != 0 || e != "" ||
		!strings.HasSuffix(out, "[ERROR] Unsupported argument: --bogus\n") {
		t.Fatalf("usage error: %q %q %d", out, e, code)
	}
	if out, _, _ := run("insert", "--uri", RawContactsURI, "--bind", "sync1:s:a:b"); !strings.Contains(out, "[ERROR] Binding not well formed") {
		t.Fatalf("unescaped colon accepted: %q", out)
	}
	run("delete", "--uri", RawContactsURI, "--where", "_id=1")
	if rows := p.Rows(RawContactsURI, nil); len(rows) != 0 {
		t.Fatalf("delete left %v", rows)
	}
}

// TestProviderWritesAndDelete: content writes are counted, the test's own
// Delete is not, and Delete selects by every column given.
func TestProviderWritesAndDelete(t *testing.T) {
	p := NewProvider()
	for _, name := range []string{"a", "b"} {
		if _, err := p.Insert(RawContactsURI, map[string]string{"display_name": name, "account_type": "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut strings.Builder
	if rc := p.Command([]string{"update", "--uri", RawContactsURI, "--bind", "starred:i:1", "--where", "display_name='a'"}, &out, &errOut); rc != 0 || errOut.Len() > 0 {
		t.Fatalf("update: %d %s", rc, errOut.String())
	}
	if p.Writes() != 1 {
		t.Fatalf("writes %d, want 1", p.Writes())
	}
	if n, err := p.Delete(RawContactsURI, map[string]string{"display_name": "a", "account_type": "y"}); err != nil || n != 0 {
		t.Fatalf("delete of no row: %d %v", n, err)
	}
	if n, err := p.Delete(RawContactsURI, map[string]string{"display_name": "a", "account_type": "x"}); err != nil || n != 1 {
		t.Fatalf("delete: %d %v", n, err)
	}
	if rows := p.Rows(RawContactsURI, nil); len(rows) != 1 || rows[0]["display_name"] != "b" || p.Writes() != 1 {
		t.Fatalf("rows %v, writes %d", rows, p.Writes())
	}
}
