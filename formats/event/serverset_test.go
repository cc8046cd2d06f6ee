package event

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/formats/ical"
	"github.com/cradle-sync/cradle/push/schema"
)

func serverSetEvent(t *testing.T) *schema.Event {
	t.Helper()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	uid, subj := "teams-1", "Standup"
	conf := "sip:alice@example.test;gruu;opaque=app:conf:focus:id:ABC123"
	ext := "https://teams.example.test/l/meetup-join/19%3ameeting_X"
	extX := "https://teams.example.test/l/meetup-join/19%3ameeting_Y"
	daily := schema.Recurrence{Type: schema.RecurDaily, Interval: intp(1), Occurrences: intp(5)}
	moved := start.AddDate(0, 0, 2)
	return &schema.Event{
		UID: &uid, Subject: &subj, StartTime: schema.NewEventTime(start), EndTime: schema.NewEventTime(start.Add(30 * time.Minute)),
		Recurrence:            &daily,
		AppointmentReplyTime:  schema.NewEventTime(time.Date(2026, 2, 20, 8, 15, 0, 0, time.UTC)),
		OnlineMeetingConfLink: &conf, OnlineMeetingExternalLink: &ext,
		Exceptions: &schema.EventExceptions{Exception: []schema.EventException{{
			ExceptionStartTime: schema.NewEventTime(moved), StartTime: schema.NewEventTime(moved.Add(time.Hour)),
			EndTime: schema.NewEventTime(moved.Add(90 * time.Minute)), OnlineMeetingExternalLink: &extX,
			AppointmentReplyTime: schema.NewEventTime(time.Date(2026, 2, 21, 10, 0, 0, 0, time.UTC)),
		}}},
	}
}

// AppointmentReplyTime and the online meeting links come from the server
// only: FromEAS writes them as Exchange's iCalendar properties (plus an
// RFC 7986 CONFERENCE for the web link), ToEAS never sends them back, and
// merging the same server data again changes nothing.
func TestServerSetFieldsRoundTrip(t *testing.T) {
	for _, v := range []Version{V141, V161} {
		opts := Options{Version: v}
		e := serverSetEvent(t)
		it, _, err := FromEAS(e, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		out := it.Calendar.String()
		unfolded := unfold(out)
		for _, want := range []string{
			"X-MICROSOFT-CDO-REPLYTIME:20260220T081500Z",
			`X-MICROSOFT-ONLINEMEETINGCONFLINK:sip:alice@example.test\;gruu\;opaque=app:conf:focus:id:ABC123`,
			"X-MICROSOFT-ONLINEMEETINGEXTERNALLINK:https://teams.example.test/l/meetup-join/19%3ameeting_X",
			"CONFERENCE;VALUE=URI:https://teams.example.test/l/meetup-join/19%3ameeting_X",
			"CONFERENCE;VALUE=URI:https://teams.example.test/l/meetup-join/19%3ameeting_Y",
			"X-MICROSOFT-CDO-REPLYTIME:20260221T100000Z",
		} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("%s: file lacks %q:\n%s", v, want, out)
			}
		}
		sent, rep, err := ToEAS(it, opts)
		if err != nil {
			t.Fatal(err)
		}
		if sent.AppointmentReplyTime != nil || sent.OnlineMeetingConfLink != nil || sent.OnlineMeetingExternalLink != nil {
			t.Errorf("%s: ToEAS sends server-set fields: %+v", v, sent)
		}
		for _, x := range sent.Exceptions.Exception {
			if x.AppointmentReplyTime != nil || x.OnlineMeetingExternalLink != nil {
				t.Errorf("%s: ToEAS sends server-set exception fields: %+v", v, x)
			}
		}
		kept := 0
		for _, p := range rep.Props {
			switch p.Prop {
			case propReplyTime, propConfLink, propExternalLink, propConference:
				if p.Status != KeptLocally {
					t.Errorf("%s: %v", v, p)
				}
				kept++
			}
		}
		if kept != 8 { // 4 on the master, 4 on the override (conf link inherited)
			t.Errorf("%s: %d server-set properties reported, want 8", v, kept)
		}
		again, _, err := FromEAS(e, it, opts)
		if err != nil {
			t.Fatal(err)
		}
		if s := again.Calendar.String(); s != out {
			t.Errorf("%s: merging the same server data changed the file:\n%s", v, diffContext(out, s))
		}
	}
}

// A changed link replaces the old one and its CONFERENCE; a CONFERENCE the
// user added for something else stays, and so does a link the server
// leaves out (it may be ghosted).
func TestServerSetFieldsMerge(t *testing.T) {
	opts := Options{Version: V161}
	e := serverSetEvent(t)
	e.Exceptions, e.Recurrence = nil, nil
	it, _, err := FromEAS(e, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	it.Master.Add(&ical.Prop{Name: "CONFERENCE", Params: []ical.Param{{Name: "VALUE", Values: []string{"URI"}},
		{Name: "FEATURE", Values: []string{"PHONE"}}}, Value: "tel:+41-44-000-0000"})
	next := "https://teams.example.test/l/meetup-join/19%3ameeting_Z"
	e2 := *e
	e2.OnlineMeetingExternalLink, e2.OnlineMeetingConfLink = &next, nil
	e2.AppointmentReplyTime = schema.NewEventTime(time.Date(2026, 2, 22, 7, 0, 0, 0, time.UTC))
	merged, _, err := FromEAS(&e2, it, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := unfold(merged.Master.String())
	for _, want := range []string{"X-MICROSOFT-ONLINEMEETINGEXTERNALLINK:" + next, "CONFERENCE;VALUE=URI:" + next,
		"CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:+41-44-000-0000", "X-MICROSOFT-ONLINEMEETINGCONFLINK:sip:alice",
		"X-MICROSOFT-CDO-REPLYTIME:20260222T070000Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("merged master lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "meeting_X") || strings.Count(out, "X-MICROSOFT-CDO-REPLYTIME") != 1 {
		t.Errorf("old link or reply time kept:\n%s", out)
	}
}

// unfold undoes RFC 5545 line folding, so tests can look for whole lines.
func unfold(s string) string {
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(s)
}
