package session_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/internal/faultproxy"
	"github.com/cradle-sync/cradle/push/easclient"
	"github.com/cradle-sync/cradle/push/session"
)

// viaProxy points the account's client at a fault proxy in front of SOGo.
func (a *sogoAccount) viaProxy(t testing.TB) *faultproxy.Proxy {
	t.Helper()
	u, err := url.Parse(a.srv.EASURL())
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	u.Host = p.Addr
	a.rec = &recorder{next: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	c, err := easclient.New(easclient.Config{URL: u.String(), User: a.user, DeviceID: a.device,
		Auth: easclient.BasicAuth(a.user, a.pass), HTTP: a.rec})
	if err != nil {
		t.Fatal(err)
	}
	a.client = c
	return p
}

func seed(t testing.TB, a *sogoAccount) {
	a.srv.PutContact(t, a.user, a.pass, "seed.vcf", vcard("seed", "Seed", "Contact"))
	a.srv.PutEvent(t, a.user, a.pass, "seed.ics", vevent("seed-ev", "Seed", time.Now()))
}

// A connection cut in the middle of a held Ping (a router reboot, a NAT
// reset): the session reconnects, steps its heartbeat down, and the change
// made on the server meanwhile arrives.
func TestSOGoCutMidPing(t *testing.T) {
	a := newSOGoAccount(t)
	seed(t, a)
	p := a.viaProxy(t)
	m := newMemSyncer(a.client)
	s := session.New(session.Options{Client: a.client, Syncer: m, Heartbeat: fastPolicy, Backoff: quickBackoff})
	stop := runSession(t, s)
	defer stop()
	m.waitFor(t, 2, time.Minute)
	before := waitState(t, s, session.Waiting, time.Minute).Heartbeat
	time.Sleep(2 * time.Second) // the Ping is now held by SOGo

	if p.CutAll() == 0 {
		t.Fatal("no connection to cut")
	}
	a.srv.PutContact(t, a.user, a.pass, "during-cut.vcf", vcard("during-cut", "During", "Cut"))
	m.waitFor(t, 1, time.Minute)
	st := waitState(t, s, session.Waiting, time.Minute)
	if st.Heartbeat >= before {
		t.Fatalf("heartbeat %v after the cut, was %v", st.Heartbeat, before)
	}
}

// The silent NAT: packets vanish and no reset ever comes. Only the
// session's own deadline can notice; once the network heals, the change
// made meanwhile arrives.
func TestSOGoBlackHoleDuringPing(t *testing.T) {
	a := newSOGoAccount(t)
	seed(t, a)
	p := a.viaProxy(t)
	m := newMemSyncer(a.client)
	s := session.New(session.Options{Client: a.client, Syncer: m, Heartbeat: fastPolicy, Backoff: quickBackoff, PingGrace: 2 * time.Second})
	stop := runSession(t, s)
	defer stop()
	m.waitFor(t, 2, time.Minute)
	before := waitState(t, s, session.Waiting, time.Minute).Heartbeat

	p.SetMode(faultproxy.BlackHole)
	time.Sleep(1100 * time.Millisecond) // SOGo's one-second SyncKeys (NOTES quirk 1)
	a.srv.PutContact(t, a.user, a.pass, "in-hole.vcf", vcard("in-hole", "Black", "Hole"))
	st := waitState(t, s, session.Offline, before+30*time.Second)
	if st.Heartbeat >= before {
		t.Fatalf("heartbeat %v after a black-holed Ping, was %v", st.Heartbeat, before)
	}
	p.SetMode(faultproxy.Pass)
	p.CutAll() // the stuck connections die when the route comes back
	m.waitFor(t, 1, time.Minute)
}
