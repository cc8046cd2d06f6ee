package tray

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/cradle-sync/cradle/app/tray/internal/bustest"
	"github.com/cradle-sync/cradle/assets"
)

// The end-to-end tests run the tray in a child process (systray allows
// one tray per process) with a scripted Model, and look at it over a
// private session bus the way a panel does.
//
// Child protocol: each stdin line is a JSON Snapshot to publish; stdin EOF
// ends Run. The child writes "do <action>" for each Model.Do and finally
// "returned <err>".
const childEnv = "CRADLE_TRAY_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

type scriptModel struct {
	feed *Feed
	mu   sync.Mutex
	out  io.Writer
}

func (s *scriptModel) Updates() <-chan Snapshot { return s.feed.Updates() }

func (s *scriptModel) Do(_ context.Context, a Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.out, "do", a)
	return nil
}

func child() int {
	m := &scriptModel{feed: NewFeed(), out: os.Stdout}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			var s Snapshot
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				fmt.Fprintln(os.Stderr, "bad snapshot:", err)
				return
			}
			m.feed.Publish(s)
		}
	}()
	err := Run(ctx, m, Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	m.mu.Lock()
	fmt.Fprintln(os.Stdout, "returned", err)
	m.mu.Unlock()
	return 0
}

// trayProcess is a running child.
type trayProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *syncBuffer
}

// syncBuffer is a bytes.Buffer the test may read while exec writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startTray(t *testing.T, env ...string) *trayProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	// Only what the tray may look at: a clean environment proves it
	// needs nothing else (no DISPLAY unless given).
	cmd.Env = append([]string{childEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &trayProcess{cmd: cmd, stdin: stdin, lines: make(chan string, 64), stderr: new(syncBuffer)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("tray stderr:\n%s", p.stderr)
		}
	})
	return p
}

func (p *trayProcess) publish(t *testing.T, s Snapshot) {
	t.Helper()
	b, _ := json.Marshal(s)
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		t.Fatalf("send snapshot: %v", err)
	}
}

// expect waits for the child's next output line and checks it.
func (p *trayProcess) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got, ok := <-p.lines:
		if !ok {
			t.Fatalf("tray exited; want %q", want)
		}
		if got != want {
			t.Fatalf("tray said %q, want %q", got, want)
		}
	case <-time.After(wait):
		t.Fatalf("tray did not say %q", want)
	}
}

// exited waits for the child to end and returns its stderr.
func (p *trayProcess) exited(t *testing.T) string {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tray exited with %v", err)
		}
	case <-time.After(wait):
		t.Fatal("tray did not exit")
	}
	if strings.Contains(p.stderr.String(), "DATA RACE") {
		t.Errorf("race in the tray process:\n%s", p.stderr)
	}
	return p.stderr.String()
}

// signals subscribes conn to the signals a panel watches.
func signals(t *testing.T, conn *dbus.Conn) chan *dbus.Signal {
	t.Helper()
	for _, opts := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged")},
		{dbus.WithMatchInterface("org.kde.StatusNotifierItem")},
		{dbus.WithMatchInterface("com.canonical.dbusmenu")},
	} {
		if err := conn.AddMatchSignal(opts...); err != nil {
			t.Fatal(err)
		}
	}
	ch := make(chan *dbus.Signal, 256)
	conn.Signal(ch)
	return ch
}

// awaitSignal waits for a signal that satisfies match.
func awaitSignal(t *testing.T, ch chan *dbus.Signal, what string, match func(*dbus.Signal) bool) *dbus.Signal {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case s := <-ch:
			if match(s) {
				return s
			}
		case <-timeout:
			t.Fatalf("no %s signal", what)
		}
	}
}

func fromMember(sender, member string) func(*dbus.Signal) bool {
	return func(s *dbus.Signal) bool { return s.Sender == sender && s.Name == member }
}

type pixmap struct {
	W, H int32
	Pix  []byte
}

// wantPixmap is the ARGB32 pixmap the tray should export for state: the
// 32 px light-panel PNG with straight alpha, channels in A, R, G, B order.
func wantPixmap(t *testing.T, state string) pixmap {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(assets.TrayIcon(state, false, 32)))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	px := pixmap{W: int32(b.Dx()), H: int32(b.Dy())}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			px.Pix = append(px.Pix, c.A, c.R, c.G, c.B)
		}
	}
	return px
}

type itemProps struct {
	icon    pixmap
	title   string
	tooltip string
	menu    dbus.ObjectPath
}

func readItem(t *testing.T, conn *dbus.Conn, name string) itemProps {
	t.Helper()
	var all map[string]dbus.Variant
	err := conn.Object(name, "/StatusNotifierItem").Call("org.freedesktop.DBus.Properties.GetAll", 0,
		"org.kde.StatusNotifierItem").Store(&all)
	if err != nil {
		t.Fatalf("GetAll: %v", err)
	}
	var p itemProps
	var icons []pixmap
	if err := all["IconPixmap"].Store(&icons); err != nil || len(icons) != 1 {
		t.Fatalf("IconPixmap %v: %v", all["IconPixmap"], err)
	}
	p.icon = icons[0]
	if err := all["Title"].Store(&p.title); err != nil {
		t.Fatalf("Title: %v", err)
	}
	var tip struct {
		Name  string
		Icons []pixmap
		Title string
		Text  string
	}
	if err := all["ToolTip"].Store(&tip); err != nil {
		t.Fatalf("ToolTip %v: %v", all["ToolTip"], err)
	}
	p.tooltip = tip.Title
	if err := all["Menu"].Store(&p.menu); err != nil {
		t.Fatalf("Menu: %v", err)
	}
	return p
}

// menuItem is one entry of a dbusmenu layout.
type menuItem struct {
	id      int32
	label   string
	enabled bool
}

func readMenu(t *testing.T, conn *dbus.Conn, name string, path dbus.ObjectPath) []menuItem {
	t.Helper()
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	err := conn.Object(name, path).Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root)
	if err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	var items []menuItem
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
		enabled := true
		if v, ok := props["enabled"]; ok {
			enabled, _ = v.Value().(bool)
		}
		items = append(items, menuItem{id: id, label: label, enabled: enabled})
	}
	return items
}

func find(t *testing.T, items []menuItem, label string) menuItem {
	t.Helper()
	for _, it := range items {
		if it.label == label {
			return it
		}
	}
	t.Fatalf("menu has no %q: %v", label, items)
	return menuItem{}
}

func click(t *testing.T, conn *dbus.Conn, name string, path dbus.ObjectPath, id int32) {
	t.Helper()
	err := conn.Object(name, path).Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(int32(0)), uint32(0)).Err
	if err != nil {
		t.Fatalf("click %d: %v", id, err)
	}
}

func TestTrayOverDBus(t *testing.T) {
	bus := bustest.StartBus(t)
	display := bustest.StartX(t)
	conn := bus.Conn(t)
	sigs := signals(t, conn)

	tray := startTray(t, "DBUS_SESSION_BUS_ADDRESS="+bus.Address, "DISPLAY="+display)
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", tray.cmd.Process.Pid)
	owner := awaitSignal(t, sigs, "NameOwnerChanged for "+name, func(s *dbus.Signal) bool {
		return s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == name && s.Body[2] != ""
	}).Body[2].(string)
	// systray claims the name before it exports the properties; the title
	// it sets once everything is exported is the sign it is ready.
	awaitSignal(t, sigs, "NewTitle", fromMember(owner, "org.kde.StatusNotifierItem.NewTitle"))

	// (a) properties, and the icon following the Model's state.
	tray.publish(t, Snapshot{State: UpToDate, LastSync: time.Now()})
	awaitSignal(t, sigs, "NewIcon", fromMember(owner, "org.kde.StatusNotifierItem.NewIcon"))
	up := readItem(t, conn, name)
	if want := wantPixmap(t, assets.UpToDate); up.icon.W != want.W || up.icon.H != want.H || !bytes.Equal(up.icon.Pix, want.Pix) {
		t.Errorf("IconPixmap is %d×%d, not the up-to-date icon", up.icon.W, up.icon.H)
	}
	if up.title != "Cradle: Up to date" || !strings.HasPrefix(up.tooltip, "Up to date\nLast sync ") {
		t.Errorf("Title %q, ToolTip %q", up.title, up.tooltip)
	}

	tray.publish(t, Snapshot{State: Offline, Waiting: 2})
	awaitSignal(t, sigs, "NewIcon", fromMember(owner, "org.kde.StatusNotifierItem.NewIcon"))
	off := readItem(t, conn, name)
	if bytes.Equal(off.icon.Pix, up.icon.Pix) {
		t.Error("IconPixmap did not change from up to date to offline")
	}
	if want := wantPixmap(t, assets.Offline); !bytes.Equal(off.icon.Pix, want.Pix) {
		t.Error("IconPixmap is not the offline icon")
	}
	if !strings.Contains(off.tooltip, "2 changes waiting") {
		t.Errorf("ToolTip %q does not say what is waiting", off.tooltip)
	}

	// (b) the menu, found by label.
	menu := readMenu(t, conn, name, off.menu)
	for _, label := range []string{
		"Offline, retrying · last sync never", "Sync now", "Pause syncing", "Open contacts folder", "Open calendar folder",
		"Export contacts…", "Export calendar…", "Conflicts (0)…", "Devices…", "Accounts and settings…",
		"Activity…", "Quit Cradle",
	} {
		find(t, menu, label)
	}
	if len(menu) != int(numEntries) {
		t.Errorf("menu has %d entries, want %d: %v", len(menu), numEntries, menu)
	}

	// (c) clicking reaches the Model.
	click(t, conn, name, off.menu, find(t, menu, "Sync now").id)
	tray.expect(t, "do sync-now")

	// The pause entry flips once the Model reports it paused.
	tray.publish(t, Snapshot{State: Paused})
	var resume menuItem
	awaitSignal(t, sigs, "menu showing Resume", func(s *dbus.Signal) bool {
		if s.Sender != owner || s.Name != "com.canonical.dbusmenu.LayoutUpdated" {
			return false
		}
		for _, it := range readMenu(t, conn, name, off.menu) {
			if it.label == "Resume syncing" {
				resume = it
				return true
			}
		}
		return false
	})
	click(t, conn, name, off.menu, resume.id)
	tray.expect(t, "do resume")

	// A panel that starts after the tray gets it registered.
	watcher := bustest.ServeWatcher(t, conn)
	select {
	case r := <-watcher.Registered:
		if r.Sender != owner || r.Service != "/StatusNotifierItem" {
			t.Errorf("registration %+v, want from %s", r, owner)
		}
	case <-time.After(wait):
		t.Fatal("tray did not register with a watcher that appeared later")
	}

	// Conflicts raise a desktop notification; the routine sync after does not.
	notes := bustest.ServeNotifications(t, conn)
	tray.publish(t, Snapshot{State: Attention, Conflicts: 1})
	select {
	case n := <-notes.Shown:
		if n.Summary != "New conflict" || n.App != "Cradle" {
			t.Errorf("notification %+v", n)
		}
	case <-time.After(wait):
		t.Fatal("no notification for a new conflict")
	}
	tray.publish(t, Snapshot{State: Syncing, Conflicts: 1})
	awaitSignal(t, sigs, "NewIcon", fromMember(owner, "org.kde.StatusNotifierItem.NewIcon"))

	// Quit asks the Model, then Run returns.
	menu = readMenu(t, conn, name, off.menu)
	click(t, conn, name, off.menu, find(t, menu, "Quit Cradle").id)
	tray.expect(t, "do quit")
	tray.expect(t, "returned <nil>")
	tray.exited(t)
	select {
	case n := <-notes.Shown:
		t.Errorf("routine sync raised notification %+v", n)
	default:
	}
}

func TestTrayRegistersWithRunningHost(t *testing.T) {
	bus := bustest.StartBus(t)
	conn := bus.Conn(t)
	watcher := bustest.ServeWatcher(t, conn)
	tray := startTray(t, "DBUS_SESSION_BUS_ADDRESS="+bus.Address)
	select {
	case r := <-watcher.Registered:
		if r.Service != "/StatusNotifierItem" {
			t.Errorf("registered %q", r.Service)
		}
	case <-time.After(wait):
		t.Fatal("tray did not register with the running watcher")
	}
	tray.stdin.Close() // ends Run
	tray.expect(t, "returned <nil>")
	if errs := tray.exited(t); strings.Contains(errs, "panic") {
		t.Errorf("tray stderr:\n%s", errs)
	}
}

// TestTrayWithoutSessionBus: a daemon started outside a desktop session
// must keep working, say so once, and stop cleanly.
func TestTrayWithoutSessionBus(t *testing.T) {
	for name, env := range map[string][]string{
		"bus unreachable": {"DBUS_SESSION_BUS_ADDRESS=unix:path=" + t.TempDir() + "/no-bus"},
		"no bus at all":   nil,
	} {
		t.Run(name, func(t *testing.T) {
			if env == nil && sessionAddressFor(os.Getuid()) != "" {
				t.Skip("this machine has a session bus at /run/user/<uid>/bus")
			}
			tray := startTray(t, env...)
			for _, s := range []Snapshot{{State: UpToDate}, {State: Attention, Conflicts: 3}, {State: Offline}} {
				tray.publish(t, s)
			}
			tray.stdin.Close()
			tray.expect(t, "returned <nil>")
			errs := tray.exited(t)
			if n := strings.Count(errs, "level=WARN"); n != 1 {
				t.Errorf("want exactly one warning, got %d:\n%s", n, errs)
			}
			if strings.Contains(errs, "panic") {
				t.Errorf("tray panicked:\n%s", errs)
			}
		})
	}
}

// TestTraySurvivesBusLoss: when the session bus goes away under a
// running daemon, the tray says so once and keeps serving the Model.
func TestTraySurvivesBusLoss(t *testing.T) {
	bus := bustest.StartBus(t)
	conn := bus.Conn(t)
	sigs := signals(t, conn)
	tray := startTray(t, "DBUS_SESSION_BUS_ADDRESS="+bus.Address)
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", tray.cmd.Process.Pid)
	owner := awaitSignal(t, sigs, "NameOwnerChanged for "+name, func(s *dbus.Signal) bool {
		return s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == name && s.Body[2] != ""
	}).Body[2].(string)
	awaitSignal(t, sigs, "NewTitle", fromMember(owner, "org.kde.StatusNotifierItem.NewTitle"))

	// The child notices the loss only when it next touches the bus, so
	// keep changing its state until it reports the loss (or time is up).
	bus.Stop()
	deadline := time.Now().Add(wait)
	states := []State{UpToDate, Syncing, Offline, Attention}
	for i := 0; !strings.Contains(tray.stderr.String(), "session bus closed"); i++ {
		if time.Now().After(deadline) {
			t.Fatal("tray did not notice the bus going away")
		}
		tray.publish(t, Snapshot{State: states[i%len(states)], Waiting: i})
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 5 { // later changes stay quiet
		tray.publish(t, Snapshot{State: states[i%len(states)], Waiting: 100 + i})
	}
	tray.stdin.Close()
	tray.expect(t, "returned <nil>")
	errs := tray.exited(t)
	if n := strings.Count(errs, "session bus closed"); n != 1 {
		t.Errorf("want the bus loss reported once, got %d times:\n%s", n, errs)
	}
	if strings.Contains(errs, "panic") {
		t.Errorf("tray panicked:\n%s", errs)
	}
}
