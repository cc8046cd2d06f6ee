package cli

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/push/eastest"
)

func run(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String() + errb.String(), code
}

// The fidelity report says "lost" for nothing in the real-world corpus,
// on either protocol version.
func TestDebugFidelityCorpusLosesNothing(t *testing.T) {
	for _, v := range []string{"14.1", "16.1"} {
		out, code := run(t, "", "debug", "fidelity", "-q", "--version", v, "../../formats/testdata/corpus")
		if code != 0 || !strings.Contains(out, " 0 lost") {
			t.Fatalf("EAS %s: exit %d:\n%s", v, code, out)
		}
		if !strings.Contains(out, "113 files") {
			t.Fatalf("not every corpus file was read:\n%s", lastLine(out))
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// The hand tool shows what the server says, as XML, and never the password.
func TestDebugEASAgainstServer(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{Authenticate: func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "me" && p == "s3cret-pw"
	}})
	out, code := run(t, "s3cret-pw\n", "debug", "eas", "--url", srv.URL, "--user", "me", "--password-stdin", "folders")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{"<FolderSync", "Contacts", "calendar", "tasks"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cret-pw") || strings.Contains(out, "czNjcmV0") {
		t.Fatal("the password appears in the output")
	}
	out, code = run(t, "wrong\n", "debug", "eas", "--url", srv.URL, "--user", "me", "--password-stdin", "options")
	if code == 0 {
		t.Fatalf("a wrong password succeeded:\n%s", out)
	}
}
