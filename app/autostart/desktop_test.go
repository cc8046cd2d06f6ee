package autostart

import (
	"bytes"
	"encoding/xml"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestExecArg(t *testing.T) {
	cases := []struct{ in, want string }{
		{"cradle", "cradle"},
		{"/usr/bin/cradle", "/usr/bin/cradle"},
		{"/opt/My Apps/cradle", `"/opt/My Apps/cradle"`},
		{"/home/a/100%/cradle", "/home/a/100%%/cradle"},
		{"/home/a/$HOME/cradle", `"/home/a/\\$HOME/cradle"`},
		{`/home/a/say "hi"/cradle`, `"/home/a/say \\"hi\\"/cradle"`},
		{`/home/a/back\slash`, `"/home/a/back\\\\slash"`},
		{"/home/a/`cmd`", "\"/home/a/\\\\`cmd\\\\`\""},
	}
	for _, c := range cases {
		if got := execArg(c.in); got != c.want {
			t.Errorf("execArg(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestEntryEnabled(t *testing.T) {
	cases := []struct {
		name, entry string
		want        bool
	}{
		{"ours", string(desktopEntry("cradle")), true},
		{"hidden", "[Desktop Entry]\nType=Application\nHidden=true\n", false},
		{"hidden with spaces", "[Desktop Entry]\nHidden = true\n", false},
		{"gnome off", "[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n", false},
		{"hidden false", "[Desktop Entry]\nHidden=false\n", true},
		{"other group", "[Desktop Entry]\nName=x\n[Desktop Action y]\nHidden=true\n", true},
		{"localized key", "[Desktop Entry]\nHidden[de]=true\n", true},
		{"garbage", "\x00\xff=\n[[[\n", true},
	}
	for _, c := range cases {
		if got := entryEnabled([]byte(c.entry)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRunCommand(t *testing.T) {
	got := runCommand(`C:\Program Files\Cradle\cradle.exe`)
	if want := `"C:\Program Files\Cradle\cradle.exe" run`; got != want {
		t.Fatalf("runCommand = %s, want %s", got, want)
	}
}

// The launch agent is a well-formed plist whose ProgramArguments survive
// characters XML must escape.
func TestLaunchAgent(t *testing.T) {
	prog := "/Applications/Cradle & Co/<cradle>"
	var plist struct {
		Dict struct {
			Keys    []string `xml:"key"`
			Strings []string `xml:"string"`
			Args    []string `xml:"array>string"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(launchAgent(prog), &plist); err != nil {
		t.Fatal(err)
	}
	d := plist.Dict
	if !slices.Equal(d.Args, []string{prog, "run"}) {
		t.Errorf("ProgramArguments = %q", d.Args)
	}
	if !slices.Contains(d.Keys, "RunAtLoad") || !slices.Contains(d.Strings, ID) {
		t.Errorf("keys %q, strings %q", d.Keys, d.Strings)
	}
	if strings.Contains(string(launchAgent(prog)), "KeepAlive") {
		t.Error("a quit daemon would be restarted at once")
	}
}

// The entry the package ships for administrators
// (/usr/share/cradle/cradle-autostart.desktop) is the one `cradle
// autostart on` writes for a cradle found on PATH.
func TestPackagedEntryMatches(t *testing.T) {
	shipped, err := os.ReadFile("../../packaging/cradle-autostart.desktop")
	if err != nil {
		t.Fatal(err)
	}
	if got := desktopEntry("cradle"); !bytes.Equal(got, shipped) {
		t.Fatalf("packaging/cradle-autostart.desktop differs from what SetAutostart writes:\n%s\nwant:\n%s", shipped, got)
	}
}
