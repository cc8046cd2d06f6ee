package fakephone

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestAdbShellContent(t *testing.T) {
	srv := StartADBServer(t)
	p, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	srv.Connect(t, p.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := srv.Run(ctx, "devices", "-l")
	if err != nil || !strings.Contains(out, p.Addr()+"\tdevice") && !strings.Contains(out, p.Addr()) {
		t.Fatalf("devices: %v %q", err, out)
	}
	t.Logf("devices: %s", out)
	out, err = srv.Run(ctx, "-s", p.Addr(), "shell", `content insert --uri content://com.android.contacts/raw_contacts --bind "sync1:s:a b, c=d"`)
	if err != nil {
		t.Fatal(err, out)
	}
	out, err = srv.Run(ctx, "-s", p.Addr(), "shell", "content query --uri content://com.android.contacts/raw_contacts --projection _id:sync1:deleted")
	if err != nil {
		t.Fatal(err, out)
	}
	if want := "Row: 0 _id=1, sync1=a b, c=d, deleted=0\n"; out != want {
		t.Fatalf("query = %q, want %q", out, want)
	}
	out, err = srv.Run(ctx, "-s", p.Addr(), "shell", "content query --uri content://com.android.contacts/data")
	if out != "No result found.\n" {
		t.Fatalf("empty query = %q, %v", out, err)
	}
	_, err = srv.Run(ctx, "-s", p.Addr(), "shell", "false")
	if err == nil {
		t.Fatalf("shell false: exit status not propagated")
	}
}
