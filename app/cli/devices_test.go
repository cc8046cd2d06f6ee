package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runDevices runs `cradle devices args…` (the command is built directly,
// so the test does not depend on its registration in the root command).
func runDevices(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out}
	cmd := newDevices(e)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestDevicesGammuAddPairSync drives the commands against gammu's dummy
// phone: add, pair with a local vdir, sync both ways, list.
func TestDevicesGammuAddPairSync(t *testing.T) {
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed (apt-get install gammu): %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	base := t.TempDir()
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(base, "config"))
	t.Setenv("CRADLE_DATA_DIR", filepath.Join(base, "data"))
	// No adb server for this test: listing must not wait for one.
	t.Setenv("ADB_SERVER_SOCKET", "tcp:127.0.0.1:1")
	phone := filepath.Join(base, "phone")
	if err := os.Mkdir(phone, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(base, "gammurc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", phone)), 0o600); err != nil {
		t.Fatal(err)
	}
	contacts := filepath.Join(base, "contacts")
	if err := os.Mkdir(contacts, 0o700); err != nil {
		t.Fatal(err)
	}
	card := "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:cli-1\r\nFN:Cli Person\r\nTEL:+1 555 1234\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(contacts, "cli-1.vcf"), []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}

	steps := [][]string{
		{"add", "gammu", "nokia", "--gammurc", rc},
		{"pair", "nokia", "--contacts", contacts, "--collection", "ME"},
	}
	for _, s := range steps {
		if out, err := runDevices(t, s...); err != nil {
			t.Fatalf("%v: %v\n%s", s, err, out)
		}
	}
	if out, err := runDevices(t, "add", "gammu", "nokia", "--gammurc", rc); err == nil {
		t.Fatalf("second add with the same name succeeded:\n%s", out)
	}
	out, err := runDevices(t, "sync", "nokia")
	if err != nil || !strings.Contains(out, "device: +1 ") {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	out, err = runDevices(t, "sync", "nokia", "--json")
	if err != nil || !strings.Contains(out, `"DeviceCreated":0`) || !strings.Contains(out, `"LocalCreated":0`) {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(phone, "pbk", "ME", "1")); err != nil {
		t.Fatalf("contact not on the phone: %v", err)
	}

	out, err = runDevices(t, "list", "--json")
	if err != nil {
		t.Fatalf("list: %v\n%s", err, out)
	}
	var rows []deviceRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("list output: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Name != "nokia" || rows[0].State != "attach" || rows[0].Contacts != contacts {
		t.Fatalf("list rows: %+v", rows)
	}
	if out, err := runDevices(t, "sync", "unknown"); err == nil {
		t.Fatalf("sync of an unknown device succeeded:\n%s", out)
	}
}
