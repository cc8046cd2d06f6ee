package ical

import (
	"bytes"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
)

// isQPProp reports whether p declares QUOTED-PRINTABLE, either as
// ENCODING=QUOTED-PRINTABLE or as a vCalendar bare parameter.
func isQPProp(p *Prop) bool {
	for _, pa := range p.Params {
		if pa.Name == "QUOTED-PRINTABLE" {
			return true
		}
		if pa.Name == "ENCODING" && len(pa.Values) > 0 && strings.EqualFold(pa.Values[0], "QUOTED-PRINTABLE") {
			return true
		}
	}
	return false
}

// decodeQP decodes a QUOTED-PRINTABLE value in place and converts it to an
// escaped TEXT value, dropping the ENCODING and CHARSET parameters that no
// longer apply. Line breaks in the decoded text become \n. The charset has
// already been applied to the raw line, so the decoded bytes are UTF-8 or
// are converted the same way the reader converts raw lines.
func decodeQP(p *Prop) error {
	r := quotedprintable.NewReader(strings.NewReader(strings.ReplaceAll(p.Value, "=\r\n", "")))
	raw, err := io.ReadAll(io.LimitReader(r, int64(len(p.Value))+1))
	if err != nil {
		// Keep the value as written rather than lose it.
		return fmt.Errorf("quoted-printable: %w", err)
	}
	text, _ := decodeLine(bytes.TrimRight(raw, "\x00"), lookupCharset(p.Param("CHARSET")))
	p.Value = Escape(text)
	out := p.Params[:0]
	for _, pa := range p.Params {
		switch {
		case pa.Name == "QUOTED-PRINTABLE", pa.Name == "ENCODING", pa.Name == "CHARSET":
		case len(pa.Values) == 0 && strings.HasPrefix(pa.Name, "CHARSET"):
		default:
			out = append(out, pa)
		}
	}
	p.Params = out
	return nil
}
