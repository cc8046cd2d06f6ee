package easclient

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Fingerprint returns the SHA-256 fingerprint of a certificate as lower-case
// hex, the form PinnedTransport takes and Cradle shows the user.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// CertificateError reports a server certificate that is not trusted:
// either the system does not trust it, or it is not the one the user
// pinned. Fingerprint lets the user decide to trust it; Cradle never does
// so on its own.
type CertificateError struct {
	Host        string
	Fingerprint string
	Err         error
}

func (e *CertificateError) Error() string {
	return fmt.Sprintf("easclient: the certificate of %s is not trusted (SHA-256 %s): %v", e.Host, e.Fingerprint, e.Err)
}

func (e *CertificateError) Unwrap() error { return e.Err }

// errPinMismatch is the cause when a pinned certificate changed.
var errPinMismatch = errors.New("it is not the certificate that was trusted for this account")

// PinnedTransport returns a transport that accepts exactly the certificate
// with the given SHA-256 fingerprint (hex, colons allowed), for a
// self-signed server the user chose to trust. An empty pin gives normal
// verification, reporting failures as *CertificateError.
func PinnedTransport(pin string) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	pin = strings.ToLower(strings.ReplaceAll(pin, ":", ""))
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if pin != "" {
		// The chain is not verified against the system roots: the pin
		// names the one certificate that is acceptable.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return &CertificateError{Host: cs.ServerName, Err: errors.New("no certificate")}
			}
			fp := Fingerprint(cs.PeerCertificates[0])
			if fp != pin {
				return &CertificateError{Host: cs.ServerName, Fingerprint: fp, Err: errPinMismatch}
			}
			return nil
		}
	}
	t.TLSClientConfig = cfg
	return t
}

// AsCertificateError turns a TLS verification failure into a
// *CertificateError carrying the server's fingerprint, or reports false.
func AsCertificateError(err error) (*CertificateError, bool) {
	var ce *CertificateError
	if errors.As(err, &ce) {
		return ce, true
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && len(cv.UnverifiedCertificates) > 0 {
		return &CertificateError{Host: cv.UnverifiedCertificates[0].Subject.CommonName,
			Fingerprint: Fingerprint(cv.UnverifiedCertificates[0]), Err: cv.Err}, true
	}
	return nil, false
}
