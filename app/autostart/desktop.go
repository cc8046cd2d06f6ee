package autostart

import (
	"bufio"
	"bytes"
	"strings"
)

// desktopEntry is the XDG autostart entry that runs `prog run`. With
// prog "cradle" it is packaging/cradle-autostart.desktop byte for byte
// (a test checks), so the entry a package ships and the one written here
// never drift apart.
func desktopEntry(prog string) []byte {
	var b bytes.Buffer
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Name=Cradle\n")
	b.WriteString("Comment=Start Cradle's sync bridge and tray icon at login\n")
	b.WriteString("Exec=" + execArg(prog) + " run\n")
	b.WriteString("Icon=cradle\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("NoDisplay=true\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	// Give the panel time to start: an icon registered before the
	// StatusNotifierWatcher exists is lost on some desktops.
	b.WriteString("X-GNOME-Autostart-Delay=5\n")
	return b.Bytes()
}

// execArg quotes one argument of an Exec key as the Desktop Entry
// Specification requires: inside double quotes, `"`, "`", `$` and `\`
// are escaped with a backslash; a literal `%` is doubled everywhere. The
// key's value is itself a string value whose `\` is escaped, so each
// quoting backslash ends up doubled in the file.
func execArg(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '`', '$':
			b.WriteString(`\\`)
		case '\\':
			b.WriteString(`\\\`)
		case '\n':
			b.WriteString(`\n`)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// entryEnabled reports whether a desktop entry would be started at
// login: desktops skip entries that are Hidden, and GNOME also skips
// those with X-GNOME-Autostart-enabled=false. Keys outside the
// [Desktop Entry] group and localized keys are ignored.
func entryEnabled(data []byte) bool {
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			group = line
			continue
		}
		if group != "[Desktop Entry]" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case key == "Hidden" && val == "true":
			return false
		case key == "X-GNOME-Autostart-enabled" && val == "false":
			return false
		}
	}
	return true
}
