package control

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestPeerCred(t *testing.T) {
	dir, err := os.MkdirTemp("", "cradle")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("unix", filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("unix", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	for name, conn := range map[string]net.Conn{"server side": s, "client side": c} {
		cr, err := peerCred(conn)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cr.uid != os.Getuid() || cr.pid != os.Getpid() {
			t.Errorf("%s: cred = %+v, want uid %d pid %d", name, cr, os.Getuid(), os.Getpid())
		}
	}

	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()
	if _, err := peerCred(p1); !errors.Is(err, errNoCred) {
		t.Errorf("peerCred(net.Pipe) = %v, want errNoCred", err)
	}
}
