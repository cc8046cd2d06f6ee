package adb

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cradle-sync/cradle/bridge/device"
)

// ContactsContract data kinds (Data.MIMETYPE values).
const (
	mimeName     = "vnd.android.cursor.item/name"
	mimePhone    = "vnd.android.cursor.item/phone_v2"
	mimeEmail    = "vnd.android.cursor.item/email_v2"
	mimePostal   = "vnd.android.cursor.item/postal-address_v2"
	mimeOrg      = "vnd.android.cursor.item/organization"
	mimeNote     = "vnd.android.cursor.item/note"
	mimeEvent    = "vnd.android.cursor.item/contact_event"
	mimeWebsite  = "vnd.android.cursor.item/website"
	mimeNickname = "vnd.android.cursor.item/nickname"
)

var mimeTypes = []string{mimeName, mimePhone, mimeEmail, mimePostal, mimeOrg, mimeNote, mimeEvent, mimeWebsite, mimeNickname}

// Projections. Free-text columns come after fixed-format ones, so a value
// containing ", col=" can only confuse the parse of later free text.
var (
	rawContactCols = []string{"_id", "sync1"}
	dataCols       = []string{"_id", "raw_contact_id", "mimetype", "is_primary", "data2",
		"data1", "data3", "data4", "data5", "data6", "data7", "data8", "data9", "data10"}
)

// Column indexes in dataCols.
const (
	dID = iota
	dRawID
	dMime
	dPrimary
	dData2
	dData1
	dData3
	dData4
	dData5
	dData6
	dData7
	dData8
	dData9
	dData10
)

// Phone.TYPE values.
const (
	phoneHome    = 1
	phoneMobile  = 2
	phoneWork    = 3
	phoneFaxWork = 4
	phoneFaxHome = 5
	phonePager   = 6
	phoneOther   = 7
	phoneMain    = 12
)

func phoneTypes(t int64) []string {
	switch t {
	case phoneHome:
		return []string{"HOME"}
	case phoneMobile:
		return []string{"CELL"}
	case phoneWork:
		return []string{"WORK"}
	case phoneFaxWork:
		return []string{"WORK", "FAX"}
	case phoneFaxHome:
		return []string{"HOME", "FAX"}
	case phonePager:
		return []string{"PAGER"}
	case phoneMain:
		return []string{"X-MAIN"}
	}
	return nil
}

func phoneType(p device.Typed) int64 {
	switch {
	case p.HasType("FAX") && p.HasType("WORK"):
		return phoneFaxWork
	case p.HasType("FAX"):
		return phoneFaxHome
	case p.HasType("CELL"):
		return phoneMobile
	case p.HasType("PAGER"):
		return phonePager
	case p.HasType("X-MAIN"):
		return phoneMain
	case p.HasType("WORK"):
		return phoneWork
	case p.HasType("HOME"):
		return phoneHome
	}
	return phoneOther
}

// Email.TYPE, StructuredPostal.TYPE and Event.TYPE values.
const (
	typeHome  = 1
	typeWork  = 2
	typeOther = 3

	eventAnniversary = 1
	eventBirthday    = 3
)

func placeTypes(t int64) []string {
	switch t {
	case typeHome:
		return []string{"HOME"}
	case typeWork:
		return []string{"WORK"}
	}
	return nil
}

func placeType(types []string) int64 {
	t := device.Typed{Types: types}
	switch {
	case t.HasType("HOME"):
		return typeHome
	case t.HasType("WORK"):
		return typeWork
	}
	return typeOther
}

// contactFromRows builds a contact from a raw contact's data rows, sorted
// by data _id so the output is stable.
func contactFromRows(uid string, rows []Row) device.Contact {
	c := device.Contact{UID: uid}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Int(dID) < rows[j].Int(dID) })
	for _, r := range rows {
		primary := r.Value(dPrimary) == "1"
		withPref := func(types []string) []string {
			if primary {
				return append(types, "PREF")
			}
			return types
		}
		switch r.Value(dMime) {
		case mimeName:
			c.FormattedName = r.Value(dData1)
			c.Name = device.Name{Given: r.Value(dData2), Family: r.Value(dData3), Prefix: r.Value(dData4),
				Additional: r.Value(dData5), Suffix: r.Value(dData6)}
		case mimePhone:
			if v := r.Value(dData1); v != "" {
				c.Phones = append(c.Phones, device.Typed{Types: withPref(phoneTypes(r.Int(dData2))), Value: v})
			}
		case mimeEmail:
			if v := r.Value(dData1); v != "" {
				c.Emails = append(c.Emails, device.Typed{Types: withPref(placeTypes(r.Int(dData2))), Value: v})
			}
		case mimePostal:
			a := device.Address{Types: placeTypes(r.Int(dData2)), Street: r.Value(dData4), POBox: r.Value(dData5),
				Extended: r.Value(dData6), Locality: r.Value(dData7), Region: r.Value(dData8),
				PostalCode: r.Value(dData9), Country: r.Value(dData10)}
			if a.Street == "" && a.Locality == "" && a.PostalCode == "" && a.Country == "" && a.POBox == "" {
				// Only a formatted address: keep it as the street.
				a.Street = r.Value(dData1)
			}
			c.Addresses = append(c.Addresses, a)
		case mimeOrg:
			c.Org, c.Title = r.Value(dData1), r.Value(dData4)
		case mimeNote:
			c.Note = r.Value(dData1)
		case mimeEvent:
			switch r.Int(dData2) {
			case eventBirthday:
				c.Birthday = r.Value(dData1)
			case eventAnniversary:
				c.Anniversary = r.Value(dData1)
			}
		case mimeWebsite:
			if v := r.Value(dData1); v != "" {
				c.URLs = append(c.URLs, v)
			}
		case mimeNickname:
			c.Nickname = r.Value(dData1)
		}
	}
	return c
}

// dataInserts returns the `content insert` commands that write the
// contact's data rows for raw contact id.
func dataInserts(d dialect, id int64, c *device.Contact) []string {
	var cmds []string
	add := func(mime string, fill func(*contentCmd)) {
		cmd := d.content("insert", dataURI).bindInt("raw_contact_id", id).bindString("mimetype", mime)
		fill(cmd)
		cmds = append(cmds, cmd.String())
	}
	add(mimeName, func(cmd *contentCmd) {
		cmd.bindOpt("data1", c.DisplayName(), false).bindOpt("data2", c.Name.Given, false).
			bindOpt("data3", c.Name.Family, false).bindOpt("data4", c.Name.Prefix, false).
			bindOpt("data5", c.Name.Additional, false).bindOpt("data6", c.Name.Suffix, false)
	})
	if c.Nickname != "" {
		add(mimeNickname, func(cmd *contentCmd) { cmd.bindString("data1", c.Nickname) })
	}
	primary := func(cmd *contentCmd, t device.Typed) {
		if t.HasType("PREF") {
			cmd.bindInt("is_primary", 1)
		}
	}
	for _, p := range c.Phones {
		add(mimePhone, func(cmd *contentCmd) {
			cmd.bindString("data1", p.Value).bindInt("data2", phoneType(p))
			primary(cmd, p)
		})
	}
	for _, e := range c.Emails {
		add(mimeEmail, func(cmd *contentCmd) {
			cmd.bindString("data1", e.Value).bindInt("data2", placeType(e.Types))
			primary(cmd, e)
		})
	}
	for _, a := range c.Addresses {
		formatted := strings.Join(nonEmpty(a.Street, strings.TrimSpace(a.PostalCode+" "+a.Locality), a.Region, a.Country), "\n")
		add(mimePostal, func(cmd *contentCmd) {
			cmd.bindOpt("data1", formatted, false).bindInt("data2", placeType(a.Types)).
				bindOpt("data4", a.Street, false).bindOpt("data5", a.POBox, false).bindOpt("data6", a.Extended, false).
				bindOpt("data7", a.Locality, false).bindOpt("data8", a.Region, false).
				bindOpt("data9", a.PostalCode, false).bindOpt("data10", a.Country, false)
		})
	}
	if c.Org != "" || c.Title != "" {
		add(mimeOrg, func(cmd *contentCmd) {
			cmd.bindOpt("data1", c.Org, false).bindOpt("data4", c.Title, false).bindInt("data2", 1)
		})
	}
	if c.Note != "" {
		add(mimeNote, func(cmd *contentCmd) { cmd.bindString("data1", c.Note) })
	}
	if c.Birthday != "" {
		add(mimeEvent, func(cmd *contentCmd) { cmd.bindString("data1", c.Birthday).bindInt("data2", eventBirthday) })
	}
	if c.Anniversary != "" {
		add(mimeEvent, func(cmd *contentCmd) { cmd.bindString("data1", c.Anniversary).bindInt("data2", eventAnniversary) })
	}
	for _, u := range c.URLs {
		add(mimeWebsite, func(cmd *contentCmd) { cmd.bindString("data1", u).bindInt("data2", 7) })
	}
	return cmds
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func mimeList() string {
	q := make([]string, len(mimeTypes))
	for i, m := range mimeTypes {
		q[i] = sqlString(m)
	}
	return "mimetype IN (" + strings.Join(q, ",") + ")"
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
