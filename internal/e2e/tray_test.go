package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/cradle-sync/cradle/assets"
	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/internal/faultproxy"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

// The tray test runs `cradle run` with its tray on a private session bus
// and looks at it the way a panel does: through the StatusNotifierItem
// and com.canonical.dbusmenu interfaces, while a fault proxy between the
// daemon and SOGo takes the network away and gives it back.
//
// The tray needs only a session bus (app/cli.runTray and tray.Run look at
// DBUS_SESSION_BUS_ADDRESS; systray draws nothing itself), so no X server
// is started and DISPLAY is removed from the daemon's environment.

// trayWait bounds every wait for the daemon. Reconnecting after an outage
// takes the session's back-off (2 s, then 4 s, with jitter) plus a full
// sync, so this leaves room without letting a hung daemon stall the suite.
const trayWait = 20 * time.Second

func TestTrayFollowsDaemonOverDBus(t *testing.T) {
	srv := sogotest.Start(t)
	bus := startSessionBus(t)
	conn := bus.conn(t)
	sigs := trayWatch(t, conn)
	watcher := serveWatcher(t, conn)

	// The account is configured with the proxy's address, so every
	// connection the daemon makes to SOGo crosses the proxy.
	base, err := url.Parse(srv.Base)
	if err != nil {
		t.Fatalf("SOGo base %q: %v", srv.Base, err)
	}
	proxy, err := faultproxy.Start(base.Host)
	if err != nil {
		t.Fatalf("start fault proxy: %v", err)
	}
	t.Cleanup(func() { proxy.Close() })
	base.Host = proxy.Addr
	via := *srv
	via.Base = base.String()

	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "seed.vcf",
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:seed\r\nFN:Seed Person\r\nN:Person;Seed;;;\r\nEND:VCARD\r\n")
	in := newInstall(t, &via, user, pass)
	d := startTrayDaemon(t, in, bus.address)

	// The item appears under the name the StatusNotifierItem spec gives
	// it and registers with the panel's watcher. systray registers only
	// after exporting the item's properties, so from then on they can be
	// read.
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", d.cmd.Process.Pid)
	owner := awaitTraySignal(t, sigs, "NameOwnerChanged for "+name, func(s *dbus.Signal) bool {
		return s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == name && s.Body[2] != ""
	}).Body[2].(string)
	select {
	case r := <-watcher.registered:
		if r.sender != owner || r.service != "/StatusNotifierItem" {
			t.Errorf("watcher registration from %s of %q; want from %s of /StatusNotifierItem", r.sender, r.service, owner)
		}
	case <-time.After(trayWait):
		t.Fatal("the daemon's tray did not register with the watcher")
	}

	// Up to date once the first sync is done and the push session waits.
	up := awaitIcon(t, conn, sigs, name, owner, assets.UpToDate)
	if _, names := countVCF(in.contactsDir()); names["FN:Seed Person"] != 1 {
		t.Errorf("icon says up to date, but the seed contact is not in %s: %v", in.contactsDir(), names)
	}
	if a := daemonAccount(t, in, "sogo"); a.State != "waiting" {
		t.Errorf("icon says up to date while the account is %q", a.State)
	}

	// The network goes away: the held Ping is reset and reconnecting is
	// refused.
	proxy.SetMode(faultproxy.Refuse)
	if n := proxy.CutAll(); n == 0 {
		t.Error("no connection crossed the proxy: the Ping is not going through it")
	}
	off := awaitIcon(t, conn, sigs, name, owner, assets.Offline)
	if bytes.Equal(off.Pix, up.Pix) {
		t.Error("the offline and up-to-date pixmaps are the same")
	}
	// The icon is offline again after the next attempt is refused: wait
	// for that attempt to fail (it then sets a new retry time). During the
	// attempt itself the session reports syncing, so the icon may flick
	// to syncing and back; only where it settles is asserted.
	firstRetry := daemonAccount(t, in, "sogo").NextRetry
	deadline := time.Now().Add(trayWait)
	for {
		a := daemonAccount(t, in, "sogo")
		if a.State == "offline" && !a.NextRetry.Equal(firstRetry) {
			break
		}
		if a.State != "offline" && a.State != "connecting" && a.State != "syncing" {
			t.Fatalf("with the server refused the account is %q (%s)", a.State, a.Error)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no second refused attempt within %v; account %+v", trayWait, a)
		}
		// Asking the separate daemon process again is the observation;
		// it has no event this test could wait on.
		time.Sleep(100 * time.Millisecond)
	}
	awaitIcon(t, conn, sigs, name, owner, assets.Offline)

	// And comes back: the session's retry reconnects and syncs.
	proxy.SetMode(faultproxy.Pass)
	awaitIcon(t, conn, sigs, name, owner, assets.UpToDate)

	// The menu, found by label as a user finds it.
	menuPath := trayMenuPath(t, conn, name)
	menu := trayMenu(t, conn, name, menuPath)
	for _, label := range []string{
		"Sync now", "Pause syncing", "Open contacts folder", "Open calendar folder",
		"Export contacts…", "Export calendar…", "Conflicts (0)…", "Devices…",
		"Accounts and settings…", "Activity…", "Quit Cradle",
	} {
		menuEntry(t, menu, label)
	}
	if s := menu[0].label; !strings.HasPrefix(s, "Up to date · last sync ") {
		t.Errorf("first menu line %q does not repeat the state", s)
	}

	// Sync now: with no change on either side, nothing but the click
	// makes the waiting session sync, so last_sync moving proves it.
	before := daemonAccount(t, in, "sogo")
	if before.State != "waiting" || before.LastSync.IsZero() {
		t.Fatalf("before Sync now the account is %q with last sync %v; want waiting after a sync",
			before.State, before.LastSync)
	}
	trayClick(t, conn, name, menuPath, menuEntry(t, menu, "Sync now").id)
	deadline = time.Now().Add(trayWait)
	for !daemonAccount(t, in, "sogo").LastSync.After(before.LastSync) {
		if time.Now().After(deadline) {
			t.Fatalf("last sync still %v %v after clicking Sync now", before.LastSync, trayWait)
		}
		time.Sleep(100 * time.Millisecond) // as above: polling the daemon is the observation
	}

	// Quit from the menu ends the daemon cleanly and removes the item.
	trayClick(t, conn, name, menuPath, menuEntry(t, menu, "Quit Cradle").id)
	select {
	case <-d.exited:
		if d.err != nil {
			t.Errorf("daemon exited with %v", d.err)
		}
	case <-time.After(trayWait):
		t.Fatal("daemon did not exit after Quit Cradle")
	}
	awaitTraySignal(t, sigs, "the item's name released", func(s *dbus.Signal) bool {
		return s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == name && s.Body[2] == ""
	})
	// The daemon logs through slog's default logger: "<date> <time> ERROR msg".
	if log := d.log(); strings.Contains(log, "panic") || strings.Contains(log, " ERROR ") {
		t.Errorf("daemon log shows a failure:\n%s", log)
	}
}

// trayDaemon is a running `cradle run` with its tray.
type trayDaemon struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed when the process has been reaped
	err     error         // Wait's result, set before exited closes
}

func (d *trayDaemon) log() string {
	b, _ := os.ReadFile(d.logPath)
	return string(b)
}

// startTrayDaemon runs the daemon with the tray on the bus at addr, and
// with nothing else of a desktop: no DISPLAY, no Wayland.
func startTrayDaemon(t *testing.T, in *install, addr string) *trayDaemon {
	t.Helper()
	var env []string
	for _, kv := range in.env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS":
			continue
		}
		env = append(env, kv)
	}
	d := &trayDaemon{
		cmd:     exec.Command(binary, "run"),
		logPath: filepath.Join(t.TempDir(), "daemon.log"),
		exited:  make(chan struct{}),
	}
	d.cmd.Env = append(env, "DBUS_SESSION_BUS_ADDRESS="+addr)
	logf, err := os.Create(d.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close() // the child has its own descriptor
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start cradle run: %v", err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-d.exited:
		default:
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", d.log())
		}
	})
	return d
}

// daemonAccount asks the running daemon, through `cradle status --json`,
// for the status of the account called name.
func daemonAccount(t *testing.T, in *install, name string) api.Account {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), trayWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "status", "--json")
	cmd.Env = in.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cradle status --json: %v\n%s", err, stderr.String())
	}
	var st api.Status
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("decode status: %v\n%s", err, out)
	}
	for _, a := range st.Accounts {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("status has no account %q:\n%s", name, out)
	return api.Account{}
}

// needProgram returns the path of program, or ends the test: a skip
// locally, a failure under CI=true, where a missing tool is a broken
// set-up rather than a reason to test less.
func needProgram(t *testing.T, program, debianPkg string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found (Debian package %s)", program, debianPkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI must provide it")
	}
	t.Skip(msg)
	return ""
}

// sessionBusConfig is a session bus without service activation: the
// daemon finds only the watcher this test serves, never a real desktop
// service.
const sessionBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// sessionBus is a private dbus-daemon that lives as long as the test.
type sessionBus struct {
	address string // the value for DBUS_SESSION_BUS_ADDRESS
}

func startSessionBus(t *testing.T) *sessionBus {
	t.Helper()
	bin := needProgram(t, "dbus-daemon", "dbus")
	dir := t.TempDir()
	conf := filepath.Join(dir, "session.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, sessionBusConfig, filepath.Join(dir, "bus")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// The daemon prints its address once it accepts connections. A
	// daemon that prints nothing and hangs is killed by the cleanup, which
	// ends the read with EOF.
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-lines:
		if addr == "" {
			t.Fatal("dbus-daemon exited without printing its address")
		}
		return &sessionBus{address: addr}
	case <-time.After(trayWait):
		t.Fatalf("dbus-daemon printed no address within %v", trayWait)
	}
	return nil
}

func (b *sessionBus) conn(t *testing.T) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(b.address)
	if err != nil {
		t.Fatalf("connect to test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// snWatcher is a minimal org.kde.StatusNotifierWatcher, the service a
// panel provides and tray items register with.
type snWatcher struct {
	registered chan snRegistration
}

type snRegistration struct {
	sender, service string
}

// RegisterStatusNotifierItem is the D-Bus method items call.
func (w *snWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	select {
	case w.registered <- snRegistration{sender: string(sender), service: service}:
	default: // the test reads one; more must not block godbus
	}
	return nil
}

func serveWatcher(t *testing.T, conn *dbus.Conn) *snWatcher {
	t.Helper()
	w := &snWatcher{registered: make(chan snRegistration, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim org.kde.StatusNotifierWatcher: reply %v, err %v", reply, err)
	}
	return w
}

// trayWatch subscribes conn to what a panel listens for: bus names
// coming and going, and the item's change signals.
func trayWatch(t *testing.T, conn *dbus.Conn) chan *dbus.Signal {
	t.Helper()
	for _, opts := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged")},
		{dbus.WithMatchInterface("org.kde.StatusNotifierItem")},
	} {
		if err := conn.AddMatchSignal(opts...); err != nil {
			t.Fatal(err)
		}
	}
	ch := make(chan *dbus.Signal, 256)
	conn.Signal(ch)
	return ch
}

// awaitTraySignal waits for a signal that satisfies match.
func awaitTraySignal(t *testing.T, ch chan *dbus.Signal, what string, match func(*dbus.Signal) bool) *dbus.Signal {
	t.Helper()
	timeout := time.After(trayWait)
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				t.Fatalf("test bus connection closed while waiting for %s", what)
			}
			if match(s) {
				return s
			}
		case <-timeout:
			t.Fatalf("no %s within %v", what, trayWait)
		}
	}
}

// snPixmap is one entry of the StatusNotifierItem IconPixmap property.
type snPixmap struct {
	W, H int32
	Pix  []byte
}

// expectedPixmap is the ARGB32 pixmap the tray exports for state: the
// 32 px light-panel icon (the daemon uses the tray's default options)
// with straight alpha, channels in A, R, G, B order.
func expectedPixmap(t *testing.T, state string) snPixmap {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(assets.TrayIcon(state, false, 32)))
	if err != nil {
		t.Fatalf("decode %s icon: %v", state, err)
	}
	b := img.Bounds()
	px := snPixmap{W: int32(b.Dx()), H: int32(b.Dy())}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			px.Pix = append(px.Pix, c.A, c.R, c.G, c.B)
		}
	}
	return px
}

// itemProperty reads one StatusNotifierItem property. Like every call
// here it is bounded: a daemon that stops answering must fail the test,
// not hang it.
func itemProperty(conn *dbus.Conn, name, prop string) (dbus.Variant, error) {
	ctx, cancel := context.WithTimeout(context.Background(), trayWait)
	defer cancel()
	var v dbus.Variant
	err := conn.Object(name, "/StatusNotifierItem").CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0,
		"org.kde.StatusNotifierItem", prop).Store(&v)
	return v, err
}

func readIcon(t *testing.T, conn *dbus.Conn, name string) snPixmap {
	t.Helper()
	v, err := itemProperty(conn, name, "IconPixmap")
	if err != nil {
		t.Fatalf("read IconPixmap: %v", err)
	}
	var icons []snPixmap
	if err := v.Store(&icons); err != nil || len(icons) != 1 {
		t.Fatalf("IconPixmap %v: %v", v, err)
	}
	return icons[0]
}

// awaitIcon waits until the item shows the icon for state and returns
// it. It reads the property once, then again after each NewIcon signal:
// the subscription predates the read, so no change goes unseen.
func awaitIcon(t *testing.T, conn *dbus.Conn, sigs chan *dbus.Signal, name, owner, state string) snPixmap {
	t.Helper()
	want := expectedPixmap(t, state)
	timeout := time.After(trayWait)
	for {
		got := readIcon(t, conn, name)
		if got.W == want.W && got.H == want.H && bytes.Equal(got.Pix, want.Pix) {
			return got
		}
	wait:
		for {
			select {
			case s, ok := <-sigs:
				if !ok {
					t.Fatalf("test bus connection closed while waiting for the %s icon", state)
				}
				if s.Sender == owner && s.Name == "org.kde.StatusNotifierItem.NewIcon" {
					break wait
				}
			case <-timeout:
				t.Fatalf("the tray did not show the %s icon within %v", state, trayWait)
			}
		}
	}
}

func trayMenuPath(t *testing.T, conn *dbus.Conn, name string) dbus.ObjectPath {
	t.Helper()
	v, err := itemProperty(conn, name, "Menu")
	if err != nil {
		t.Fatalf("read Menu: %v", err)
	}
	var p dbus.ObjectPath
	if err := v.Store(&p); err != nil || !p.IsValid() {
		t.Fatalf("Menu %v: %v", v, err)
	}
	return p
}

// trayMenuEntry is one clickable or informative line of the menu.
type trayMenuEntry struct {
	id    int32
	label string
}

// trayMenu reads the menu's top level, separators left out.
func trayMenu(t *testing.T, conn *dbus.Conn, name string, path dbus.ObjectPath) []trayMenuEntry {
	t.Helper()
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	ctx, cancel := context.WithTimeout(context.Background(), trayWait)
	defer cancel()
	err := conn.Object(name, path).CallWithContext(ctx, "com.canonical.dbusmenu.GetLayout", 0,
		int32(0), int32(-1), []string{}).Store(&rev, &root)
	if err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	var entries []trayMenuEntry
	for _, c := range root.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) != 3 {
			t.Fatalf("menu child %v is not (id, props, children)", c)
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		if typ, _ := props["type"].Value().(string); typ == "separator" {
			continue
		}
		label, _ := props["label"].Value().(string)
		entries = append(entries, trayMenuEntry{id: id, label: label})
	}
	if len(entries) == 0 {
		t.Fatal("the tray menu is empty")
	}
	return entries
}

func menuEntry(t *testing.T, menu []trayMenuEntry, label string) trayMenuEntry {
	t.Helper()
	for _, e := range menu {
		if e.label == label {
			return e
		}
	}
	t.Fatalf("menu has no %q: %v", label, menu)
	return trayMenuEntry{}
}

// trayClick sends the event a panel sends when the user clicks entry id.
func trayClick(t *testing.T, conn *dbus.Conn, name string, path dbus.ObjectPath, id int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), trayWait)
	defer cancel()
	err := conn.Object(name, path).CallWithContext(ctx, "com.canonical.dbusmenu.Event", 0,
		id, "clicked", dbus.MakeVariant(int32(0)), uint32(time.Now().Unix())).Err
	if err != nil {
		t.Fatalf("click menu entry %d: %v", id, err)
	}
}
