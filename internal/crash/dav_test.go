package crash

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// sogoReport is SOGo 5.8's answer to an addressbook-query (trimmed).
const sogoReport = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:response><D:href>/SOGo/dav/u1/Contacts/personal/srv1.vcf</D:href><D:propstat><D:prop><D:getetag>"gcs00000000"</D:getetag><C:address-data>BEGIN:VCARD
VERSION:3.0
UID:srv1
FN:C00001 v1 s
END:VCARD</C:address-data></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response><D:response><D:href>/SOGo/dav/u1/Contacts/personal/7BDC-6B07B700-E7-199B1FC0.vcf</D:href><D:propstat><D:prop><D:getetag>"gcs00000000"</D:getetag><C:address-data>BEGIN:VCARD
UID:7BDC-6B07B700-E7-199B1FC0.vcf
FN:C00002 v1 l &amp; co
END:VCARD</C:address-data></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response><D:response><D:href>/SOGo/dav/u1/Contacts/personal/</D:href><D:propstat><D:prop/><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response><D:response><D:href>/SOGo/dav/u1/Contacts/personal/gone.vcf</D:href><D:propstat><D:prop><C:address-data/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response></D:multistatus>`

func TestDAV(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "u1" || p != "pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
		switch {
		case r.Method == "REPORT" && strings.Contains(string(b), "addressbook-query") && r.Header.Get("Depth") == "1":
			w.WriteHeader(http.StatusMultiStatus)
			io.WriteString(w, sogoReport)
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusCreated)
		case r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/there.ics"):
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	d := &DAV{Base: srv.URL, User: "u1", Password: "pw"}
	ctx := context.Background()

	rs, err := d.List(ctx, Contact)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Name != "srv1.vcf" || rs[1].Name != "7BDC-6B07B700-E7-199B1FC0.vcf" {
		t.Fatalf("List = %+v", rs)
	}
	if _, v, _ := KeyField(Contact, rs[1].Body); v != "C00002 v1 l & co" {
		t.Errorf("second body's FN = %q", v)
	}
	if err := d.Put(ctx, Event, "e1.ics", "BEGIN:VCALENDAR\r\n"); err != nil {
		t.Error(err)
	}
	if err := d.Delete(ctx, Event, "there.ics"); err != nil {
		t.Error(err)
	}
	if err := d.Delete(ctx, Contact, "missing.vcf"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of a missing item = %v, want ErrNotFound", err)
	}
	if _, err := d.List(ctx, Event); err == nil {
		t.Error("List accepted a 404 answer")
	}
	want := []string{
		"REPORT /SOGo/dav/u1/Contacts/personal/ application/xml; charset=utf-8",
		"PUT /SOGo/dav/u1/Calendar/personal/e1.ics text/calendar; charset=utf-8",
		"DELETE /SOGo/dav/u1/Calendar/personal/there.ics ",
		"DELETE /SOGo/dav/u1/Contacts/personal/missing.vcf ",
		"REPORT /SOGo/dav/u1/Calendar/personal/ application/xml; charset=utf-8",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
