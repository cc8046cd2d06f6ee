package faultproxy

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(t *testing.T, c net.Conn, msg string, within time.Duration) (string, error) {
	t.Helper()
	c.SetDeadline(time.Now().Add(within))
	if _, err := c.Write([]byte(msg + "\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func TestProxyModes(t *testing.T) {
	p, err := Start(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := roundTrip(t, c, "hello", time.Second); err != nil || got != "hello\n" {
		t.Fatalf("pass: %q %v", got, err)
	}
	if up, down := p.Bytes(); up != 6 || down != 6 {
		t.Fatalf("bytes %d/%d, want 6/6", up, down)
	}

	p.SetMode(BlackHole)
	if _, err := roundTrip(t, c, "lost", 300*time.Millisecond); err == nil {
		t.Fatal("black hole answered")
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("black hole must look like silence (timeout), got %v", err)
	}
	c.Close()

	p.SetMode(Pass)
	c2, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roundTrip(t, c2, "again", time.Second); err != nil {
		t.Fatal(err)
	}
	if n := p.CutAll(); n < 1 {
		t.Fatalf("cut %d", n)
	}
	if _, err := roundTrip(t, c2, "after cut", time.Second); err == nil {
		t.Fatal("a cut connection still works")
	}

	p.SetMode(Refuse)
	c3, err := net.Dial("tcp", p.Addr)
	if err == nil {
		if _, err := roundTrip(t, c3, "refused", time.Second); err == nil {
			t.Fatal("refused connection answered")
		}
	}
}
