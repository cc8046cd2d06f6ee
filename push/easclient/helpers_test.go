package easclient_test

import (
	"encoding/xml"
	"log/slog"
	"testing"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/eastest"
)

// newClient returns a client for srv; mod may adjust the config.
func newClient(t *testing.T, srv *eastest.Server, mod func(*easclient.Config)) *easclient.Client {
	t.Helper()
	cfg := easclient.Config{
		URL:      srv.URL,
		User:     "user1",
		DeviceID: "dev" + sanitize(t.Name()),
		Logger:   slog.New(slog.DiscardHandler),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := easclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sanitize(s string) string {
	out := []byte{}
	for i := 0; i < len(s) && len(out) < 29; i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			out = append(out, c)
		}
	}
	return string(out)
}

// contact builds Contacts: ApplicationData from name/value pairs; a value
// of "" makes an empty element.
func contact(t *testing.T, kv ...string) push.ItemData {
	t.Helper()
	var toks []xml.Token
	for i := 0; i+1 < len(kv); i += 2 {
		n := xml.Name{Space: "Contacts:", Local: kv[i]}
		toks = append(toks, xml.StartElement{Name: n})
		if kv[i+1] != "" {
			toks = append(toks, xml.CharData(kv[i+1]))
		}
		toks = append(toks, xml.EndElement{Name: n})
	}
	d, err := push.ItemDataFromTokens(toks)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fields flattens top-level elements to local name → text ("" if empty).
func fields(d push.ItemData) map[string]string {
	out := map[string]string{}
	depth := 0
	var cur string
	for _, tok := range d.Tokens() {
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				cur = tok.Name.Local
				out[cur] = ""
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 1 {
				out[cur] += string(tok)
			}
		}
	}
	return out
}

// collect runs SyncFolder and gathers every window.
func collect(t *testing.T, c *easclient.Client, req easclient.SyncFolderRequest) (string, []*easclient.Window, error) {
	t.Helper()
	var ws []*easclient.Window
	key, err := c.SyncFolder(t.Context(), req, func(w *easclient.Window) error {
		ws = append(ws, w)
		return nil
	})
	return key, ws, err
}
