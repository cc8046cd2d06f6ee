package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := &Config{Accounts: []Account{{Name: "work", URL: "https://mail.example.com/Microsoft-Server-ActiveSync", User: "me",
		CalendarWindow: "3m", Folders: []Folder{{ID: "vcard%2Fpersonal", Path: "/tmp/x.vcf", Store: "file"}}}}}
	if err := Save(dir, c); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode %v %v, want 0600", fi.Mode(), err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := got.Account("work")
	if !ok || a.User != "me" || len(a.Folders) != 1 || a.Folders[0].Store != "file" {
		t.Fatalf("loaded %+v", got)
	}
	if d, _ := a.WindowDays(); d != 93 {
		t.Fatalf("window %d", d)
	}
}

func TestLoadRejectsBadInputNamingIt(t *testing.T) {
	for name, text := range map[string]string{
		"unknown key": "[[account]]\nname = \"w\"\nurl = \"https://x\"\npasword = \"oops\"\n",
		"bad url":     "[[account]]\nname = \"w\"\nurl = \"ftp://x\"\n",
		"bad name":    "[[account]]\nname = \"../etc\"\nurl = \"https://x\"\n",
		"bad window":  "[[account]]\nname = \"w\"\nurl = \"https://x\"\ncalendar_window = \"9y\"\n",
		"syntax":      "[[account]\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, FileName), []byte(text), 0o600)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), FileName) {
				t.Fatalf("want an error naming the file, got %v", err)
			}
		})
	}
}

func TestMissingFileIsEmptyConfig(t *testing.T) {
	c, err := Load(t.TempDir())
	if err != nil || len(c.Accounts) != 0 {
		t.Fatalf("%+v %v", c, err)
	}
}
