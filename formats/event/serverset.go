package event

import (
	"strings"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

// Fields the server maintains (MS-ASCAL 2.2.2.2 AppointmentReplyTime,
// 2.2.2.33 OnlineMeetingConfLink, 2.2.2.34 OnlineMeetingExternalLink): a
// Sync response may carry them, a request MUST NOT. They come in only,
// written as the properties Exchange's own iCalendar export uses
// (MS-OXCICAL 2.1.3.1.1.20.37 for the reply time), and ToEAS keeps them
// locally. The external (web) link is also written as an RFC 7986
// CONFERENCE so that standard clients show a join link.
const (
	propReplyTime    = "X-MICROSOFT-CDO-REPLYTIME"
	propConfLink     = "X-MICROSOFT-ONLINEMEETINGCONFLINK"
	propExternalLink = "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK"
	propConference   = "CONFERENCE"

	noteServerSet = "set by the server: ActiveSync requests must not carry it"
)

// serverSet holds one component's server-maintained fields.
type serverSet struct {
	replyTime    *schema.EventTime
	confLink     *string
	externalLink *string
}

// readServerSet maps p into s if it is one of the server-set properties,
// reporting whether it was.
func (c *converter) readServerSet(p *ical.Prop, s *serverSet) bool {
	switch p.Name {
	case propReplyTime:
		if w, err := c.parseWhen(p); err == nil && !w.Date {
			s.replyTime = schema.NewEventTime(w.T.UTC())
		}
	case propConfLink:
		v := p.Text()
		s.confLink = &v
	case propExternalLink:
		v := p.Text()
		s.externalLink = &v
	case propConference:
		c.status(p, KeptLocally, "no ActiveSync form: online meeting links are set by the server")
		return true
	default:
		return false
	}
	c.status(p, KeptLocally, noteServerSet)
	return true
}

// props writes s as iCalendar properties; empty values write nothing.
func (s serverSet) props() []*ical.Prop {
	var out []*ical.Prop
	if s.replyTime != nil {
		out = append(out, &ical.Prop{Name: propReplyTime, Value: s.replyTime.UTC().Format("20060102T150405Z")})
	}
	if s.confLink != nil && *s.confLink != "" {
		p := &ical.Prop{Name: propConfLink}
		p.SetText(*s.confLink)
		out = append(out, p)
	}
	if s.externalLink != nil && *s.externalLink != "" {
		p := &ical.Prop{Name: propExternalLink}
		p.SetText(*s.externalLink)
		out = append(out, p)
		if conf := conferenceProp(*s.externalLink); conf != nil {
			out = append(out, conf)
		}
	}
	return out
}

// conferenceProp is the RFC 7986 CONFERENCE for a web join link, or nil
// for anything that is not an http(s) URL (CONFERENCE needs a URI that a
// client can open).
func conferenceProp(link string) *ical.Prop {
	l := strings.ToLower(link)
	if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") || strings.ContainsAny(link, " \r\n\t") {
		return nil
	}
	return &ical.Prop{Name: propConference, Params: []ical.Param{{Name: "VALUE", Values: []string{"URI"}}}, Value: link}
}

func eventServerSet(e *schema.Event) serverSet {
	return serverSet{replyTime: e.AppointmentReplyTime, confLink: e.OnlineMeetingConfLink, externalLink: e.OnlineMeetingExternalLink}
}

func (s *serverSet) overlay(x schema.EventException) {
	if x.AppointmentReplyTime != nil {
		s.replyTime = x.AppointmentReplyTime
	}
	if x.OnlineMeetingConfLink != nil {
		s.confLink = x.OnlineMeetingConfLink
	}
	if x.OnlineMeetingExternalLink != nil {
		s.externalLink = x.OnlineMeetingExternalLink
	}
}

// mergeServerSet brings target's server-set properties in line with the
// server's values where the server sent one (absent means unchanged: the
// fields can be ghosted) and it differs from what the base holds. A
// CONFERENCE the user added (another URI) is left alone.
func mergeServerSet(target *ical.Component, now, was serverSet) {
	if now.replyTime != nil && !sameXML(now.replyTime, was.replyTime) {
		replaceProps(target, []string{propReplyTime}, serverSet{replyTime: now.replyTime}.props())
	}
	if now.confLink != nil && !sameXML(now.confLink, was.confLink) {
		replaceProps(target, []string{propConfLink}, serverSet{confLink: now.confLink}.props())
	}
	if now.externalLink != nil && !sameXML(now.externalLink, was.externalLink) {
		if was.externalLink != nil {
			target.Props = dropConference(target.Props, *was.externalLink)
		}
		replaceProps(target, []string{propExternalLink}, serverSet{externalLink: now.externalLink}.props())
	}
}

// dropConference removes the CONFERENCE properties whose URI is link.
func dropConference(props []*ical.Prop, link string) []*ical.Prop {
	out := props[:0]
	for _, p := range props {
		if p.Name == propConference && p.Value == link {
			continue
		}
		out = append(out, p)
	}
	return out
}

// dropInheritedServerSet clears exception fields equal to the master's.
func dropInheritedServerSet(x *schema.EventException, e *schema.Event) {
	if sameXML(x.AppointmentReplyTime, e.AppointmentReplyTime) {
		x.AppointmentReplyTime = nil
	}
	if sameXML(x.OnlineMeetingConfLink, e.OnlineMeetingConfLink) {
		x.OnlineMeetingConfLink = nil
	}
	if sameXML(x.OnlineMeetingExternalLink, e.OnlineMeetingExternalLink) {
		x.OnlineMeetingExternalLink = nil
	}
}

// stripServerSet removes the server-maintained fields from e before it is
// sent: a request must not contain them.
func stripServerSet(e *schema.Event) {
	e.AppointmentReplyTime, e.OnlineMeetingConfLink, e.OnlineMeetingExternalLink = nil, nil, nil
	if e.Exceptions == nil {
		return
	}
	for i := range e.Exceptions.Exception {
		x := &e.Exceptions.Exception[i]
		x.AppointmentReplyTime, x.OnlineMeetingConfLink, x.OnlineMeetingExternalLink = nil, nil, nil
	}
}
