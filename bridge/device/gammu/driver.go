// Package gammu reaches feature phones and modems through the gammu
// command (Debian package gammu): SIM and phone phonebooks, calendar and
// to-dos. One gammurc file describes one phone (connection and device);
// Cradle keeps one per phone the user set up.
//
// Gammu keeps no UIDs, RRULEs (in RFC 5545 form) or VALARMs beyond one
// alarm time, has no per-entry update (entries are deleted and added
// again, possibly at another location), and reports many failures with
// exit status 0, so output is parsed and checked for gammu's error
// messages.
package gammu

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/device"
)

// Config describes one phone.
type Config struct {
	// Gammurc is the path of the gammurc file ([gammu] section with
	// connection, device, model). It is also the device ID.
	Gammurc string
	// Binary is the gammu executable; "" finds "gammu" in PATH.
	Binary string
	// MaxNameLength cuts contact names to this many characters on Put
	// (SIM cards typically keep 14–20); 0 means no limit.
	MaxNameLength int
	// PollInterval is how often Watch runs `gammu identify`; 0 means 15s.
	PollInterval time.Duration
	// Logger receives progress; nil discards.
	Logger *slog.Logger
}

// Driver finds the phone described by one gammurc.
type Driver struct {
	cfg Config
	r   runner
}

// New returns a driver for cfg. It fails if the gammu binary is missing.
func New(cfg Config) (*Driver, error) {
	bin := cfg.Binary
	if bin == "" {
		bin = "gammu"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("gammu: %w (install the gammu package)", err)
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 15 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Driver{cfg: cfg, r: runner{bin: path, config: cfg.Gammurc}}, nil
}

// Kind returns "gammu".
func (d *Driver) Kind() string { return "gammu" }

// identify returns "Manufacturer Model" if the phone answers.
func (d *Driver) identify(ctx context.Context) (string, error) {
	out, _, err := d.r.run(ctx, "", "identify")
	if err != nil {
		return "", err
	}
	fields := map[string]string{}
	var other []string
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := splitField(l); ok {
			fields[k] = strings.TrimSpace(v)
		} else if strings.TrimSpace(l) != "" {
			other = append(other, l)
		}
	}
	if e := findError(other); e != "" {
		return "", fmt.Errorf("gammu identify: %s", e)
	}
	label := strings.TrimSpace(fields["Manufacturer"] + " " + fields["Model"])
	if label == "" {
		return "", fmt.Errorf("gammu identify: no phone answered: %s", brief(out))
	}
	return label, nil
}

// Detect returns the phone if it answers `gammu identify`.
func (d *Driver) Detect(ctx context.Context) ([]device.Info, error) {
	label, err := d.identify(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	return []device.Info{{ID: d.cfg.Gammurc, Label: label, State: device.Attach}}, nil
}

// Watch runs `gammu identify` every PollInterval and reports Attach when
// the phone starts answering and Detach when it stops. Gammu offers no
// hotplug notification of its own.
func (d *Driver) Watch(ctx context.Context, events chan<- device.Event) error {
	present := false
	label := ""
	t := time.NewTicker(d.cfg.PollInterval)
	defer t.Stop()
	for {
		l, err := d.identify(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ev *device.Event
		switch {
		case err == nil && !present:
			present, label = true, l
			ev = &device.Event{Type: device.Attach, ID: d.cfg.Gammurc, Label: l}
		case err != nil && present:
			present = false
			d.cfg.Logger.Info("gammu phone gone", "config", d.cfg.Gammurc, "err", err)
			ev = &device.Event{Type: device.Detach, ID: d.cfg.Gammurc, Label: label}
		}
		if ev != nil {
			select {
			case events <- *ev:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Open returns the phone; id must be the configured gammurc path.
func (d *Driver) Open(ctx context.Context, id string) (device.Device, error) {
	if id != d.cfg.Gammurc {
		return nil, fmt.Errorf("gammu open %q: %w", id, device.ErrNotFound)
	}
	if _, err := d.identify(ctx); err != nil {
		return nil, fmt.Errorf("gammu open: %w: %w", device.ErrGone, err)
	}
	return &Phone{r: d.r, maxName: d.cfg.MaxNameLength, logger: d.cfg.Logger}, nil
}

var _ device.Driver = (*Driver)(nil)
