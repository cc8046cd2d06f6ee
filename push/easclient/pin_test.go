package easclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestPinnedCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("MS-ASProtocolVersions", "14.1")
	}))
	defer srv.Close()
	fp := Fingerprint(srv.Certificate())
	options := func(pin string) error {
		c, err := New(Config{URL: srv.URL + "/eas", User: "u", DeviceID: "d", HTTP: &http.Client{Transport: PinnedTransport(pin)}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Options(context.Background())
		return err
	}
	// Not trusted by the system: refused, with the fingerprint to show.
	err := options("")
	ce, ok := AsCertificateError(err)
	if !ok || ce.Fingerprint != fp {
		t.Fatalf("want a certificate error with fingerprint %s, got %v", fp, err)
	}
	// Pinned: accepted.
	if err := options(fp); err != nil {
		t.Fatalf("pinned certificate refused: %v", err)
	}
	// The certificate changed (another pin): refused, never continued.
	err = options("00" + fp[2:])
	if ce, ok := AsCertificateError(err); !ok || ce.Fingerprint != fp {
		t.Fatalf("a changed certificate must be refused with its fingerprint, got %v", err)
	}
}
