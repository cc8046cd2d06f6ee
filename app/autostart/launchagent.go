package autostart

import (
	"bytes"
	"encoding/xml"
)

// launchAgent is a launchd property list that runs `prog run` at login
// for the user, under the label ID. RunAtLoad without KeepAlive: a
// daemon the user quits from the tray stays quit until the next login.
func launchAgent(prog string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t<string>" + ID + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, arg := range []string{prog, "run"} {
		b.WriteString("\t\t<string>")
		xml.EscapeText(&b, []byte(arg)) // cannot fail on a bytes.Buffer
		b.WriteString("</string>\n")
	}
	b.WriteString("\t</array>\n")
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Interactive</string>\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes()
}
