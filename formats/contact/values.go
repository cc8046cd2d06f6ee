package contact

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/formats/vcard"
	"github.com/cradle-sync/cradle/push/schema"
)

// uriValued properties hold URIs or addresses, not escaped text.
var uriValued = map[string]bool{"URL": true, "EMAIL": true, "IMPP": true, "TEL": true}

// textValue is the EAS string for a single-valued property.
func textValue(pr *vcard.Property) string {
	v := pr.Text()
	if pr.Name == "TEL" && len(v) > 4 && strings.EqualFold(v[:4], "tel:") {
		v = v[4:]
	}
	if pr.Name == "EMAIL" || pr.Name == "TEL" {
		// Addresses and numbers: surrounding blanks carry nothing, and a
		// card written back would lose them anyway.
		v = strings.TrimSpace(v)
	}
	return v
}

// setText stores an EAS string into a property, keeping its form (tel:
// URI, escaped text).
func setText(pr *vcard.Property, v string) {
	switch {
	case pr.Name == "TEL" && len(pr.Value) > 4 && strings.EqualFold(pr.Value[:4], "tel:"):
		pr.Value = pr.Value[:4] + v
	case pr.Name == "EMAIL":
		// EAS may carry the display form "Name" <a@b>; a vCard holds the
		// address.
		pr.Value = addrOnly(v)
	case uriValued[pr.Name]:
		pr.Value = v
	default:
		pr.Value = vcard.Escape(v)
	}
}

// compValues returns one string per compMap: the non-empty components it
// covers, joined by newlines.
func compValues(pr *vcard.Property, comps []compMap) []string {
	all := pr.Components()
	out := make([]string, len(comps))
	for i, cm := range comps {
		var parts []string
		for _, x := range cm.idx {
			if x < len(all) && all[x] != "" {
				parts = append(parts, all[x])
			}
		}
		out[i] = strings.Join(parts, "\n")
	}
	return out
}

func listValues(c *vcard.Card, b *binding) []string {
	var out []string
	for _, i := range b.props {
		pr := &c.Props[i]
		if pr.Name == "CATEGORIES" || pr.Name == "X-CHILDREN" {
			out = append(out, pr.List()...)
		} else if t := strings.TrimSpace(pr.Text()); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// propDate reads BDAY-like values; Apple's and Outlook's 1604 means "no
// year" even without X-APPLE-OMIT-YEAR (iOS 12 leaves the parameter out).
func propDate(pr *vcard.Property) (vcard.Date, bool) {
	d, ok := vcard.ParseDate(pr.Value, pr.Param("X-APPLE-OMIT-YEAR"))
	if d.Year == noYear {
		d.Year = 0
	}
	return d, ok
}

// noYear is the year EAS dates carry when the vCard date has none.
const noYear = 1604

// outlookNone is the year of Outlook's "None" date (4501-01-01): a server
// sending it means the contact has no such date.
const outlookNone = 4501

// easDate formats a date as an EAS dateTime at 11:59 UTC, the same day
// everywhere from UTC-11 to UTC+12.
func easDate(d vcard.Date) string {
	y := d.Year
	if y == 0 {
		y = noYear
	}
	return fmt.Sprintf("%04d-%02d-%02dT11:59:00.000Z", y, d.Month, d.Day)
}

var easLayouts = []string{"2006-01-02T15:04:05.000Z", time.RFC3339Nano, "2006-01-02T15:04:05Z", "20060102T150405Z", "2006-01-02T15:04:05", "2006-01-02"}

// parseEASDate reads an EAS dateTime as the calendar day of its nearest
// midnight: servers store either a fixed time (11:59, noon) or the
// user's local midnight in UTC, which for zones east of UTC falls on the
// previous UTC day. Exactly 12:00 counts as noon of the same day.
func parseEASDate(s string) (vcard.Date, bool) {
	s = strings.TrimSpace(s)
	for _, l := range easLayouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		if !(t.Hour() == 12 && t.Minute() == 0 && t.Second() == 0) {
			t = t.Add(12 * time.Hour)
		}
		d := vcard.Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}
		if d.Year >= outlookNone {
			return vcard.Date{}, false
		}
		if d.Year == noYear {
			d.Year = 0
		}
		return d, true
	}
	return vcard.Date{}, false
}

// formatDate writes d in the style of the value it replaces (basic or
// extended), dropping any time; year-less dates keep Apple's form when the
// property used it, else become --MMDD.
func formatDate(pr *vcard.Property, d vcard.Date) {
	if d.Year == 0 {
		if pr.HasParam("X-APPLE-OMIT-YEAR") {
			pr.SetParam("X-APPLE-OMIT-YEAR", "1604")
			pr.Value = fmt.Sprintf("1604-%02d-%02d", d.Month, d.Day)
			return
		}
		pr.Value = fmt.Sprintf("--%02d%02d", d.Month, d.Day)
		return
	}
	pr.DelParam("X-APPLE-OMIT-YEAR")
	if strings.Contains(pr.Value, "-") || pr.Value == "" {
		pr.Value = fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	} else {
		pr.Value = fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day)
	}
}

func validBase64(s string) bool {
	if _, err := base64.StdEncoding.DecodeString(s); err == nil {
		return true
	}
	_, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	return err == nil
}

// imageType sniffs the image format of base64 data for the TYPE parameter.
func imageType(b64 string) string {
	n := len(b64)
	if n > 16 {
		n = 16
	}
	head, _ := base64.StdEncoding.DecodeString(b64[:n/4*4])
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8:
		return "JPEG"
	case len(head) >= 4 && string(head[1:4]) == "PNG":
		return "PNG"
	case len(head) >= 3 && string(head[:3]) == "GIF":
		return "GIF"
	}
	return "JPEG"
}

func strp(s string) *string { return &s }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// bodyText returns the plain-text note an EAS contact carries and whether
// it may be applied (complete and plain text).
func bodyText(c *schema.Contact) (text string, present, usable bool, why string) {
	switch {
	case c.Body != nil:
		b := c.Body
		if b.Truncated != nil && bool(*b.Truncated) {
			return "", true, false, "server sent a truncated note"
		}
		if b.Type != 0 && b.Type != schema.BodyPlain && deref(b.Data) != "" {
			return "", true, false, "server sent a non-plain-text note"
		}
		return normNewlines(deref(b.Data)), true, true, ""
	case c.LegacyBody != nil:
		if c.BodyTruncated != nil && bool(*c.BodyTruncated) {
			return "", true, false, "server sent a truncated note"
		}
		return normNewlines(*c.LegacyBody), true, true, ""
	}
	return "", false, false, ""
}

func normNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// addrOnly reduces "Name <a@b>" to "a@b" for comparing e-mail fields.
func addrOnly(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return strings.TrimSpace(s[i+1 : i+j])
		}
	}
	return strings.TrimSpace(s)
}
