package easclient

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

const (
	autodiscoverRequestNS  = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
	autodiscoverResponseNS = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"

	// maxAutodiscoverBody bounds an autodiscover answer; real ones are a
	// few KB.
	maxAutodiscoverBody = 1 << 20
	defaultMaxHops      = 10
)

// AutodiscoverOptions tune Autodiscover; the zero value is usable.
type AutodiscoverOptions struct {
	// HTTP sends the requests; nil uses an *http.Client that does not
	// follow redirects itself (Autodiscover follows them, counting hops).
	HTTP Doer
	// Candidates lists the URLs tried for a domain, in order; nil means
	// https://autodiscover.<domain>/autodiscover/autodiscover.xml, then
	// https://<domain>/autodiscover/autodiscover.xml. Tests point it at a
	// local server.
	Candidates func(domain string) []string
	// MaxHops bounds redirects (address and URL); zero means 10.
	MaxHops int
}

// AutodiscoverResult is the outcome of Autodiscover.
type AutodiscoverResult struct {
	// URL is the EAS endpoint (Config.URL).
	URL string
	// Email is the address that finally resolved; it differs from the
	// input after an address redirect.
	Email       string
	DisplayName string
}

// Autodiscover finds the EAS URL for email using the plain-old-XML
// mobilesync protocol: it POSTs the request to each candidate URL of the
// address's domain with Basic credentials (email, password), and follows
// HTTP redirects, Redirect/RedirectAddr (a new address: start over with its
// domain) and RedirectUrl (a new URL) up to MaxHops. Only https URLs are
// contacted, since the password is sent. Errors from all candidates are
// joined.
func Autodiscover(ctx context.Context, email, password string, opt *AutodiscoverOptions) (*AutodiscoverResult, error) {
	var o AutodiscoverOptions
	if opt != nil {
		o = *opt
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Candidates == nil {
		o.Candidates = defaultCandidates
	}
	if o.MaxHops <= 0 {
		o.MaxHops = defaultMaxHops
	}
	hops := 0
	for {
		_, domain, ok := strings.Cut(email, "@")
		if !ok || domain == "" {
			return nil, fmt.Errorf("autodiscover: %q is not an e-mail address", email)
		}
		var errs []error
		var next string // redirected address
		for _, u := range o.Candidates(domain) {
			res, redirectAddr, err := autodiscoverURL(ctx, o, u, email, password, &hops)
			if err == nil && redirectAddr == "" {
				return res, nil
			}
			if redirectAddr != "" {
				next = redirectAddr
				break
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		if next == "" {
			return nil, fmt.Errorf("autodiscover %s: %w", email, errors.Join(errs...))
		}
		hops++
		if hops > o.MaxHops {
			return nil, fmt.Errorf("autodiscover %s: more than %d redirects", email, o.MaxHops)
		}
		email = next
	}
}

func defaultCandidates(domain string) []string {
	return []string{
		"https://autodiscover." + domain + "/autodiscover/autodiscover.xml",
		"https://" + domain + "/autodiscover/autodiscover.xml",
	}
}

// autodiscoverURL queries one candidate, following URL redirects. It
// returns either a result, or an address to restart with, or an error.
func autodiscoverURL(ctx context.Context, o AutodiscoverOptions, target, email, password string, hops *int) (*AutodiscoverResult, string, error) {
	for {
		u, err := url.Parse(target)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, "", fmt.Errorf("%s: refusing non-https autodiscover URL", target)
		}
		resp, err := postAutodiscover(ctx, o.HTTP, target, email, password)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", u.Redacted(), err)
		}
		switch {
		case resp.location != "":
			target = resp.location
		case resp.redirectURL != "":
			target = resp.redirectURL
		case resp.redirectAddr != "":
			return nil, resp.redirectAddr, nil
		case resp.url != "":
			return &AutodiscoverResult{URL: resp.url, Email: email, DisplayName: resp.displayName}, "", nil
		default:
			return nil, "", fmt.Errorf("%s: answer has no MobileSync URL", u.Redacted())
		}
		*hops++
		if *hops > o.MaxHops {
			return nil, "", fmt.Errorf("more than %d redirects", o.MaxHops)
		}
	}
}

type autodiscoverAnswer struct {
	url, displayName                    string
	location, redirectURL, redirectAddr string
}

// adResponse matches both the mobilesync response schema and the Outlook
// schema's redirect fields; encoding/xml matches local names in any
// namespace when the tag has none.
type adResponse struct {
	Response struct {
		User struct {
			DisplayName string `xml:"DisplayName"`
		} `xml:"User"`
		Action struct {
			Redirect string `xml:"Redirect"`
			Settings struct {
				Server []struct {
					Type string `xml:"Type"`
					URL  string `xml:"Url"`
				} `xml:"Server"`
			} `xml:"Settings"`
			Error *struct {
				Status  string `xml:"Status"`
				Message string `xml:"Message"`
			} `xml:"Error"`
		} `xml:"Action"`
		Account struct {
			Action       string `xml:"Action"`
			RedirectURL  string `xml:"RedirectUrl"`
			RedirectAddr string `xml:"RedirectAddr"`
		} `xml:"Account"`
		Error *struct {
			ErrorCode string `xml:"ErrorCode"`
			Message   string `xml:"Message"`
		} `xml:"Error"`
	} `xml:"Response"`
}

func postAutodiscover(ctx context.Context, d Doer, target, email, password string) (*autodiscoverAnswer, error) {
	var body bytes.Buffer
	body.WriteString(xml.Header)
	fmt.Fprintf(&body, `<Autodiscover xmlns=%q><Request><EMailAddress>`, autodiscoverRequestNS)
	xml.EscapeText(&body, []byte(email))
	fmt.Fprintf(&body, `</EMailAddress><AcceptableResponseSchema>%s</AcceptableResponseSchema></Request></Autodiscover>`, autodiscoverResponseNS)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.SetBasicAuth(email, password)
	resp, err := d.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("HTTP %d without Location", resp.StatusCode)
		}
		return &autodiscoverAnswer{location: loc.String()}, nil
	case http.StatusUnauthorized:
		return nil, &AuthError{Command: "Autodiscover", Challenge: resp.Header.Get("WWW-Authenticate")}
	default:
		return nil, &HTTPError{Command: "Autodiscover", StatusCode: resp.StatusCode}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAutodiscoverBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxAutodiscoverBody {
		return nil, fmt.Errorf("answer exceeds %d bytes", maxAutodiscoverBody)
	}
	return parseAutodiscover(data)
}

// parseAutodiscover reads a POX autodiscover answer.
func parseAutodiscover(data []byte) (*autodiscoverAnswer, error) {
	var r adResponse
	if err := xml.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	a := &autodiscoverAnswer{displayName: r.Response.User.DisplayName}
	switch {
	case r.Response.Action.Error != nil:
		e := r.Response.Action.Error
		return nil, fmt.Errorf("server error %s: %s", e.Status, e.Message)
	case r.Response.Error != nil:
		e := r.Response.Error
		return nil, fmt.Errorf("server error %s: %s", e.ErrorCode, e.Message)
	case r.Response.Action.Redirect != "":
		a.redirectAddr = r.Response.Action.Redirect
	case strings.EqualFold(r.Response.Account.Action, "redirectUrl") && r.Response.Account.RedirectURL != "":
		a.redirectURL = r.Response.Account.RedirectURL
	case strings.EqualFold(r.Response.Account.Action, "redirectAddr") && r.Response.Account.RedirectAddr != "":
		a.redirectAddr = r.Response.Account.RedirectAddr
	}
	for _, s := range r.Response.Action.Settings.Server {
		if strings.EqualFold(s.Type, "MobileSync") && s.URL != "" {
			a.url = s.URL
			break
		}
	}
	return a, nil
}
