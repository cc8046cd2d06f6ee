package crash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cradle-sync/cradle/bridge/api"
)

// Install is one isolated Cradle installation: its own config and data
// directories (and so its own control socket and state database), run
// through the real binary.
type Install struct {
	Binary string // the cradle binary under test
	Config string // CRADLE_CONFIG_DIR
	Data   string // CRADLE_DATA_DIR: state database, control socket, vdirs
	// Log is where every daemon started by Start appends its output.
	Log string
	env []string
}

// NewInstall prepares an installation under root. The configuration
// starts with integrity (a duration such as "1m"; "" for the default) so
// the daemon's periodic integrity check can be awaited.
func NewInstall(binary, root, integrity string) (*Install, error) {
	in := &Install{Binary: binary, Config: filepath.Join(root, "config"), Data: filepath.Join(root, "data")}
	in.Log = filepath.Join(in.Data, "daemon.log")
	for _, d := range []string{in.Config, in.Data} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	if integrity != "" {
		cfg := fmt.Sprintf("integrity_check = %q\n", integrity)
		if err := os.WriteFile(filepath.Join(in.Config, "config.toml"), []byte(cfg), 0o600); err != nil {
			return nil, err
		}
	}
	in.env = append(os.Environ(), "CRADLE_CONFIG_DIR="+in.Config, "CRADLE_DATA_DIR="+in.Data,
		"CRADLE_SECRETS=file",
		// SOGo serves an abandoned Ping until its heartbeat ends; every
		// SIGKILL abandons one, so Pings are kept short.
		"CRADLE_MAX_HEARTBEAT=30s")
	return in, nil
}

func (in *Install) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, in.Binary, args...)
	cmd.Env = in.env
	return cmd
}

// AddAccount adds the ActiveSync account "sogo".
func (in *Install) AddAccount(ctx context.Context, url, user, password string) error {
	cmd := in.command(ctx, "account", "add", "sogo", "--url", url, "--user", user, "--password-stdin")
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("account add: %w: %s", err, out)
	}
	return nil
}

// SyncOnce runs `cradle sync --once` and returns its output.
func (in *Install) SyncOnce(ctx context.Context) (string, error) {
	out, err := in.command(ctx, "sync", "--once").CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("sync --once: %w: %s", err, out)
	}
	return string(out), nil
}

// Status runs `cradle status --json`: the daemon's view when one runs,
// the state database's otherwise.
func (in *Install) Status(ctx context.Context) (api.Status, error) {
	var st api.Status
	var stderr bytes.Buffer
	cmd := in.command(ctx, "status", "--json")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return st, fmt.Errorf("status: %w: %s", err, stderr.Bytes())
	}
	if err := json.Unmarshal(out, &st); err != nil {
		return st, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

// Daemon is one running `cradle run`.
type Daemon struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set before done closes
	logf *os.File
	// LogOffset is the size of the log when the daemon started: its own
	// output begins there.
	LogOffset int64
	Started   time.Time // when Start started it
}

// Start starts `cradle run --no-tray`, its output appended to in.Log.
func (in *Install) Start() (*Daemon, error) {
	logf, err := os.OpenFile(in.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := logf.Stat()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd := exec.Command(in.Binary, "run", "--no-tray")
	cmd.Env = in.env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start cradle run: %w", err)
	}
	d := &Daemon{cmd: cmd, done: make(chan struct{}), logf: logf, LogOffset: fi.Size(), Started: time.Now()}
	go func() {
		// Owned by the Daemon: it ends when the process does, which
		// Kill and Stop both bring about.
		d.err = cmd.Wait()
		logf.Close()
		close(d.done)
	}()
	return d, nil
}

// Exited reports whether the process has ended on its own.
func (d *Daemon) Exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// Kill sends SIGKILL, as a power cut would, and waits for the process to
// be gone.
func (d *Daemon) Kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.done
}

// Stop asks the daemon to quit (SIGTERM) and waits up to grace for it;
// after that it is killed and an error says so.
func (d *Daemon) Stop(grace time.Duration) error {
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		var ee *exec.ExitError
		if d.err != nil && !errors.As(d.err, &ee) {
			return d.err
		}
		return nil
	case <-time.After(grace):
		d.Kill()
		return fmt.Errorf("cradle run did not stop within %v of SIGTERM", grace)
	}
}
