package eastest

import (
	"encoding/xml"
	"reflect"
	"testing"

	"github.com/cradle-sync/cradle/push"
)

// data builds Contacts: ApplicationData from name/value pairs ("" = empty element).
func data(t *testing.T, kv ...string) push.ItemData {
	t.Helper()
	var toks []xml.Token
	for i := 0; i+1 < len(kv); i += 2 {
		n := xml.Name{Space: "Contacts:", Local: kv[i]}
		toks = append(toks, xml.StartElement{Name: n})
		if kv[i+1] != "" {
			toks = append(toks, xml.CharData(kv[i+1]))
		}
		toks = append(toks, xml.EndElement{Name: n})
	}
	d, err := push.ItemDataFromTokens(toks)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pairs(d push.ItemData) []string {
	var out []string
	for _, e := range split(d) {
		v := ""
		for _, tok := range e.tokens {
			if cd, ok := tok.(xml.CharData); ok {
				v += string(cd)
			}
		}
		out = append(out, e.name.Local, v)
	}
	return out
}

func TestMerge(t *testing.T) {
	old := []string{"FirstName", "Ada", "LastName", "Lovelace", "Picture", "cGhvdG8=", "Email1Address", "a@x"}
	tests := []struct {
		name   string
		fn     func(old, change push.ItemData) push.ItemData
		change []string
		want   []string
	}{
		{"14 keeps omitted", merge14, []string{"FirstName", "Augusta"},
			[]string{"LastName", "Lovelace", "Picture", "cGhvdG8=", "Email1Address", "a@x", "FirstName", "Augusta"}},
		{"14 empty clears", merge14, []string{"Email1Address", "", "Picture", ""},
			[]string{"FirstName", "Ada", "LastName", "Lovelace"}},
		{"14 adds new", merge14, []string{"JobTitle", "Countess"},
			[]string{"FirstName", "Ada", "LastName", "Lovelace", "Picture", "cGhvdG8=", "Email1Address", "a@x", "JobTitle", "Countess"}},
		{"16 replaces, keeps picture", replace16, []string{"FirstName", "Augusta"},
			[]string{"FirstName", "Augusta", "Picture", "cGhvdG8="}},
		{"16 empty picture deletes", replace16, []string{"FirstName", "Augusta", "Picture", ""},
			[]string{"FirstName", "Augusta"}},
		{"16 new picture", replace16, []string{"Picture", "bmV3"},
			[]string{"Picture", "bmV3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pairs(tt.fn(data(t, old...), data(t, tt.change...)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInvalid16(t *testing.T) {
	tests := []struct {
		kv   []string
		want bool
	}{
		{[]string{"FirstName", "Ada"}, false},
		{[]string{"FirstName", "Ada", "MiddleName", ""}, true},
		{[]string{"FirstName", "Ada", "Picture", ""}, false},
	}
	for _, tt := range tests {
		if got := invalid16(data(t, tt.kv...)); got != tt.want {
			t.Errorf("invalid16(%v) = %v, want %v", tt.kv, got, tt.want)
		}
	}
}
