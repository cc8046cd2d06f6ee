package adb

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseRows(t *testing.T) {
	proj := []string{"_id", "title", "description"}
	tests := []struct {
		name string
		out  string
		want []Row
		err  bool
	}{
		{"empty", "No result found.\n", nil, false},
		{"nothing", "", nil, false},
		{"one", "Row: 0 _id=1, title=Lunch, description=NULL\n",
			[]Row{{"1", "Lunch", "NULL"}}, false},
		{"comma in value", "Row: 0 _id=1, title=a, b=c, description=x, y\n",
			[]Row{{"1", "a, b=c", "x, y"}}, false},
		{"newline in last value", "Row: 0 _id=1, title=t, description=line1\nline2\nRow: 1 _id=2, title=u, description=\n",
			[]Row{{"1", "t", "line1\nline2"}, {"2", "u", ""}}, false},
		{"value looks like a row", "Row: 0 _id=1, title=t, description=Row: 5 x\nRow: 1 _id=2, title=u, description=v\n",
			[]Row{{"1", "t", "Row: 5 x"}, {"2", "u", "v"}}, false},
		{"missing column", "Row: 0 _id=1, title=t\n", nil, true},
		{"wrong order", "Row: 0 title=t, _id=1, description=d\n", nil, true},
		{"bad row number", "Row: 1 _id=1, title=t, description=d\n", nil, true},
		{"error text", "Error while accessing provider:com.android.calendar\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRows([]byte(tt.out), proj)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if !tt.err && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("rows = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRowValueNull(t *testing.T) {
	r := Row{"NULL", "12", "x"}
	if r.Value(0) != "" || r.Int(1) != 12 || r.Value(2) != "x" || r.Value(7) != "" {
		t.Fatalf("Row helpers wrong: %q %d %q", r.Value(0), r.Int(1), r.Value(2))
	}
}

func FuzzParseRows(f *testing.F) {
	f.Add([]byte("Row: 0 _id=1, title=Lunch, description=NULL\n"))
	f.Add([]byte("Row: 0 _id=1, title=a, b=c, description=x\ny\nRow: 1 _id=2, title=, description=\n"))
	f.Add([]byte("No result found.\n"))
	f.Add([]byte("Error while accessing provider:com.android.contacts\njava.lang.IllegalArgumentException: x\n"))
	proj := []string{"_id", "title", "description"}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseRows(data, proj)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) != len(proj) {
				t.Fatalf("row has %d values", len(r))
			}
		}
		// Rows without separators inside values print back identically.
		var b strings.Builder
		clean := true
		for n, r := range rows {
			for _, v := range r {
				if strings.Contains(v, ", ") || strings.Contains(v, "\n") {
					clean = false
				}
			}
			b.WriteString("Row: " + strconv.Itoa(n) + " _id=" + r[0] + ", title=" + r[1] + ", description=" + r[2] + "\n")
		}
		if clean && len(rows) > 0 {
			again, err := ParseRows([]byte(b.String()), proj)
			if err != nil || !reflect.DeepEqual(again, rows) {
				t.Fatalf("reprint of %q did not parse back: %v", b.String(), err)
			}
		}
	})
}
