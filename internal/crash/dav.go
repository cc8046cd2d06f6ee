package crash

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// DAV changes and lists one SOGo user's personal address book and
// calendar over CardDAV/CalDAV: the server side of the harness, the way a
// colleague's client changes the account. internal/sogotest has no delete
// for events and stops the test on any error; the driver needs both, and
// a delete that finds nothing is normal for it.
type DAV struct {
	// Base is the HTTP root, e.g. http://127.0.0.1:20000.
	Base     string
	User     string
	Password string
	// HTTP defaults to a client without keep-alives: sogod closes each
	// connection after its response without saying so.
	HTTP *http.Client
}

// ErrNotFound reports a resource the server does not have.
var ErrNotFound = errors.New("not found")

// maxListing bounds a collection listing read into memory.
const maxListing = 64 << 20

var davClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// Resource is one item on the server: its DAV name in the collection and
// its body.
type Resource struct {
	Name string
	Body string
}

func (d *DAV) collection(k Kind) string {
	c := "Contacts"
	if k == Event {
		c = "Calendar"
	}
	return "/SOGo/dav/" + url.PathEscape(d.User) + "/" + c + "/personal/"
}

func (d *DAV) do(ctx context.Context, method, p, ctype string, body []byte, hdr map[string]string) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, d.Base+p, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.SetBasicAuth(d.User, d.Password)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := d.HTTP
	if c == nil {
		c = davClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, p, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxListing+1))
	if err != nil {
		return resp, nil, fmt.Errorf("%s %s: read response: %w", method, p, err)
	}
	if len(b) > maxListing {
		return resp, nil, fmt.Errorf("%s %s: response larger than %d bytes", method, p, maxListing)
	}
	return resp, b, nil
}

// Put stores body as name in the collection of kind k, creating or
// replacing it.
func (d *DAV) Put(ctx context.Context, k Kind, name, body string) error {
	ctype := "text/vcard; charset=utf-8"
	if k == Event {
		ctype = "text/calendar; charset=utf-8"
	}
	p := d.collection(k) + url.PathEscape(name)
	resp, _, err := d.do(ctx, http.MethodPut, p, ctype, []byte(body), nil)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("PUT %s: %s", p, resp.Status)
	}
	return nil
}

// Delete removes name from the collection of kind k; ErrNotFound when it
// was not there.
func (d *DAV) Delete(ctx context.Context, k Kind, name string) error {
	p := d.collection(k) + url.PathEscape(name)
	resp, _, err := d.do(ctx, http.MethodDelete, p, "", nil, nil)
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("DELETE %s: %w", p, ErrNotFound)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("DELETE %s: %s", p, resp.Status)
	}
	return nil
}

// Init makes SOGo create the user's personal collections, which it does
// lazily on first access.
func (d *DAV) Init(ctx context.Context) error {
	for _, k := range []Kind{Contact, Event} {
		p := strings.TrimSuffix(d.collection(k), "personal/")
		resp, _, err := d.do(ctx, "PROPFIND", p, "", nil, map[string]string{"Depth": "1"})
		if err != nil {
			return err
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("PROPFIND %s: %s", p, resp.Status)
		}
	}
	return nil
}

const (
	addressQuery = `<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
<D:prop><D:getetag/><C:address-data/></D:prop></C:addressbook-query>`
	// Only events: tasks share the CalDAV collection.
	calendarQuery = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>
</C:calendar-query>`
)

// multistatus is the part of a REPORT answer the listing reads.
type multistatus struct {
	Responses []struct {
		Href     string `xml:"DAV: href"`
		Propstat []struct {
			Status string `xml:"DAV: status"`
			Prop   struct {
				Address  string `xml:"urn:ietf:params:xml:ns:carddav address-data"`
				Calendar string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
			} `xml:"DAV: prop"`
		} `xml:"DAV: propstat"`
	} `xml:"DAV: response"`
}

// List returns every item of kind k on the server with its body, in one
// addressbook-query or calendar-query REPORT.
func (d *DAV) List(ctx context.Context, k Kind) ([]Resource, error) {
	q := addressQuery
	if k == Event {
		q = calendarQuery
	}
	p := d.collection(k)
	resp, b, err := d.do(ctx, "REPORT", p, "application/xml; charset=utf-8", []byte(q), map[string]string{"Depth": "1"})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusMultiStatus {
		return nil, fmt.Errorf("REPORT %s: %s", p, resp.Status)
	}
	var ms multistatus
	if err := xml.Unmarshal(b, &ms); err != nil {
		return nil, fmt.Errorf("REPORT %s: %w", p, err)
	}
	var out []Resource
	for _, r := range ms.Responses {
		href, err := url.PathUnescape(r.Href)
		if err != nil {
			href = r.Href
		}
		if !strings.HasPrefix(href, p) || href == p {
			continue
		}
		name := path.Base(href)
		for _, ps := range r.Propstat {
			body := ps.Prop.Address + ps.Prop.Calendar
			if strings.Contains(ps.Status, " 200 ") && body != "" {
				out = append(out, Resource{Name: name, Body: body})
			}
		}
	}
	return out, nil
}
