package contact

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/push/schema"
)

// TestFieldTable checks that field() knows every string element of
// schema.Contact a client may write, under its EAS name, and that
// stringFields lists exactly those.
func TestFieldTable(t *testing.T) {
	serverOnly := map[string]bool{"Body": true, "CompressedRTF": true, "Alias": true} // 2.5 note, RTF, GAL alias
	var want []string
	typ := reflect.TypeOf(schema.Contact{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("xml")
		name := tag[strings.LastIndexByte(tag, ' ')+1:]
		if f.Type != reflect.TypeOf((*string)(nil)) || serverOnly[name] && strings.HasPrefix(tag, "Contacts: ") {
			continue
		}
		want = append(want, name)
		c := &schema.Contact{}
		*field(c, name) = strp("x")
		if got := reflect.ValueOf(c).Elem().Field(i).Interface().(*string); got == nil || *got != "x" {
			t.Errorf("field(%q) does not address %s", name, f.Name)
		}
	}
	got := slices.Clone(stringFields)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("stringFields = %v\nwant %v", got, want)
	}
}
