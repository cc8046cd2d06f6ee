//go:build unix

package devicesync

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestLockState: a second lock on the same state waits for the first and
// gives up when its context ends.
func TestLockState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	unlock, err := lockState(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := lockState(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := lockState(context.Background(), path)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("lock after release: %v", err)
	}
}
