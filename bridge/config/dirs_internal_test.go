package config

import (
	"path/filepath"
	"testing"
)

// The data folder must be where state.DefaultPath and the control socket
// look on every platform, or one daemon's files end up in two places.
func TestDataBaseAgreesWithThePlatform(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	cases := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", nil, "/home/u/.local/share"},
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/data"},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative"}, "/home/u/.local/share"},
		{"windows", map[string]string{"LocalAppData": "C:/Users/u/AppData/Local"}, "C:/Users/u/AppData/Local"},
		{"windows", nil, "/home/u/.local/share"},
		{"darwin", nil, "/home/u/Library/Application Support"},
	}
	for _, c := range cases {
		got, err := dataBase(c.goos, func(k string) string { return c.env[k] }, home)
		if err != nil || filepath.ToSlash(got) != c.want {
			t.Errorf("%s %v: %q, %v; want %q", c.goos, c.env, got, err, c.want)
		}
	}
}
