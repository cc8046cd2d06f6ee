package tray

import (
	"sync"
	"testing"
)

func TestFeedKeepsLatest(t *testing.T) {
	f := NewFeed()
	f.Publish(Snapshot{Waiting: 1})
	f.Publish(Snapshot{Waiting: 2}) // must not block, must replace
	if got := <-f.Updates(); got.Waiting != 2 {
		t.Fatalf("got Waiting=%d, want the latest (2)", got.Waiting)
	}
	select {
	case s := <-f.Updates():
		t.Fatalf("stale snapshot %+v delivered", s)
	default:
	}
	f.Publish(Snapshot{Waiting: 3})
	f.Close()
	f.Close()
	f.Publish(Snapshot{Waiting: 4}) // ignored, no panic
	if got, ok := <-f.Updates(); !ok || got.Waiting != 3 {
		t.Fatalf("after Close got %+v, %v; want the unread snapshot 3", got, ok)
	}
	if _, ok := <-f.Updates(); ok {
		t.Fatal("channel still open after Close")
	}
}

func TestFeedConcurrentPublishers(t *testing.T) {
	f := NewFeed()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				f.Publish(Snapshot{Waiting: i*1000 + j})
			}
		})
	}
	done := make(chan struct{})
	go func() {
		for range f.Updates() {
		}
		close(done)
	}()
	wg.Wait()
	f.Close()
	<-done
}
