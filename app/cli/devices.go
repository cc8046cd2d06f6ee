package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/device/adb"
	"github.com/cradle-sync/cradle/bridge/device/folder"
	"github.com/cradle-sync/cradle/bridge/device/gammu"
	"github.com/cradle-sync/cradle/bridge/devicesync"
	"github.com/cradle-sync/cradle/bridge/store"
)

// devicesFile is the device configuration beside config.toml.
const devicesFile = "devices.toml"

// deviceConf is one configured device and, once paired, the local
// collections its address book, calendar and to-do list are kept in step
// with.
type deviceConf struct {
	Name   string `toml:"name" json:"name"`
	Driver string `toml:"driver" json:"driver"` // adb, gammu, folder
	// ID is the driver's device ID: the adb serial, the gammurc path, or
	// the storage folder.
	ID string `toml:"id" json:"id"`
	// Files are the folder driver's collections, relative to ID.
	Files []string `toml:"files,omitempty" json:"files,omitempty"`
	// Collection is the device's contacts collection; "" means its first.
	Collection string `toml:"collection,omitempty" json:"collection,omitempty"`
	Account    string `toml:"account,omitempty" json:"account,omitempty"`
	// Contacts is the paired local collection: a vdir folder or a .vcf file.
	Contacts string `toml:"contacts,omitempty" json:"contacts,omitempty"`
	// Calendar and Tasks are the paired local calendar and to-do list (an
	// .ics vdir or file); CalendarCollection and TasksCollection name the
	// device's, "" meaning its first of that kind.
	Calendar           string `toml:"calendar,omitempty" json:"calendar,omitempty"`
	CalendarCollection string `toml:"calendar_collection,omitempty" json:"calendar_collection,omitempty"`
	Tasks              string `toml:"tasks,omitempty" json:"tasks,omitempty"`
	TasksCollection    string `toml:"tasks_collection,omitempty" json:"tasks_collection,omitempty"`
}

// pairedKind is one kind of collection a device is paired for.
type pairedKind struct {
	kind       device.Kind
	local      string // local vdir or file
	collection string // device collection; "" means its first of kind
}

// pairs returns the kinds the device is paired for, contacts first.
func (d *deviceConf) pairs() []pairedKind {
	var out []pairedKind
	for _, k := range []pairedKind{
		{device.Contacts, d.Contacts, d.Collection},
		{device.Calendar, d.Calendar, d.CalendarCollection},
		{device.Tasks, d.Tasks, d.TasksCollection},
	} {
		if k.local != "" {
			out = append(out, k)
		}
	}
	return out
}

// pairedWith summarises what the device is paired with, for listings.
func (d *deviceConf) pairedWith() string {
	var parts []string
	for _, k := range d.pairs() {
		parts = append(parts, string(k.kind)+"="+k.local)
	}
	return strings.Join(parts, " ")
}

type devicesConf struct {
	Devices []deviceConf `toml:"device"`
}

func loadDevices(dir string) (devicesConf, error) {
	var c devicesConf
	b, err := os.ReadFile(filepath.Join(dir, devicesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read %s: %w", devicesFile, err)
	}
	if _, err := toml.Decode(string(b), &c); err != nil {
		return c, fmt.Errorf("read %s: %w", devicesFile, err)
	}
	return c, nil
}

func saveDevices(dir string, c devicesConf) error {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return fmt.Errorf("encode %s: %w", devicesFile, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write %s: %w", devicesFile, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, devicesFile), b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", devicesFile, err)
	}
	return nil
}

func (c *devicesConf) find(name string) *deviceConf {
	for i := range c.Devices {
		if c.Devices[i].Name == name {
			return &c.Devices[i]
		}
	}
	return nil
}

// driver returns the driver that reaches d.
func (d *deviceConf) driver() (device.Driver, error) {
	switch d.Driver {
	case "adb":
		return adb.New(adb.ServerAddr(), nil), nil
	case "gammu":
		return gammu.New(gammu.Config{Gammurc: d.ID})
	case "folder":
		return folder.New(folder.Config{Files: d.Files}), nil
	}
	return nil, fmt.Errorf("device %s: unknown driver %q", d.Name, d.Driver)
}

func newDevices(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "List, configure, pair and sync phones and storage",
	}
	cmd.AddCommand(newDevicesList(e), newDevicesAdd(e), newDevicesPair(e), newDevicesSync(e))
	return cmd
}

// deviceRow is one line of `devices list`.
type deviceRow struct {
	Name     string `json:"name,omitempty"`
	Driver   string `json:"driver"`
	ID       string `json:"id"`
	Label    string `json:"label,omitempty"`
	State    string `json:"state"` // attach, unauthorized, absent, error
	Error    string `json:"error,omitempty"`
	Contacts string `json:"contacts,omitempty"`
	Calendar string `json:"calendar,omitempty"`
	Tasks    string `json:"tasks,omitempty"`
	// Paired summarises the pairings ("contacts=… calendar=…").
	Paired string `json:"-"`
}

func newDevicesList(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "Show attached Android phones (through the adb server) and configured devices",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs, err := config.DefaultDirs()
			if err != nil {
				return err
			}
			conf, err := loadDevices(dirs.Config)
			if err != nil {
				return err
			}
			rows := listDevices(cmd.Context(), conf)
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tDRIVER\tID\tSTATE\tLABEL\tPAIRED WITH")
			for _, r := range rows {
				state := r.State
				if r.Error != "" {
					state += " (" + r.Error + ")"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", orDash(r.Name), r.Driver, r.ID, state, orDash(r.Label), orDash(r.Paired))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// listDevices detects adb phones (when an adb server answers) and checks
// every configured device. Failures are shown per row, not fatal.
func listDevices(ctx context.Context, conf devicesConf) []deviceRow {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var rows []deviceRow
	seen := map[string]bool{}
	for _, d := range conf.Devices {
		row := deviceRow{Name: d.Name, Driver: d.Driver, ID: d.ID, State: "absent", Contacts: d.Contacts,
			Calendar: d.Calendar, Tasks: d.Tasks, Paired: d.pairedWith()}
		switch d.Driver {
		case "folder":
			// The folder driver detects mounted media only; a configured
			// path is present when it exists.
			if st, err := os.Stat(d.ID); err == nil && st.IsDir() {
				row.State = device.Attach.String()
			}
		default:
			drv, err := d.driver()
			if err == nil {
				var infos []device.Info
				infos, err = drv.Detect(ctx)
				for _, in := range infos {
					if in.ID == d.ID || d.Driver == "gammu" {
						row.State, row.Label = in.State.String(), in.Label
					}
				}
			}
			if err != nil {
				row.State, row.Error = "error", err.Error()
			}
		}
		seen[d.Driver+"\x00"+d.ID] = true
		rows = append(rows, row)
	}
	// Phones on the adb server that are not configured yet.
	if infos, err := adb.New(adb.ServerAddr(), nil).Detect(ctx); err == nil {
		for _, in := range infos {
			if !seen["adb\x00"+in.ID] {
				rows = append(rows, deviceRow{Driver: "adb", ID: in.ID, Label: in.Label, State: in.State.String()})
			}
		}
	}
	return rows
}

func newDevicesAdd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Configure a feature phone (gammu) or storage folder",
	}
	var gammurc, port, connection string
	addGammu := &cobra.Command{
		Use:   "gammu NAME (--gammurc FILE | --port DEVICE [--connection at])",
		Short: "Configure a phone reached through gammu, by a gammurc file or its port",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case gammurc != "" && port != "":
				return errors.New("devices add gammu: give --gammurc or --port, not both")
			case port != "":
				dirs, err := config.DefaultDirs()
				if err != nil {
					return err
				}
				if gammurc, err = writeGammurc(dirs.Config, args[0], port, connection); err != nil {
					return err
				}
			case gammurc == "":
				return errors.New("devices add gammu: give --gammurc FILE or --port DEVICE")
			}
			return addDevice(e, deviceConf{Name: args[0], Driver: "gammu", ID: gammurc})
		},
	}
	addGammu.Flags().StringVar(&gammurc, "gammurc", "", "gammurc file ([gammu] section with connection, device, model)")
	addGammu.Flags().StringVar(&port, "port", "", "the phone's port, e.g. /dev/ttyUSB0 (Cradle writes the gammurc)")
	addGammu.Flags().StringVar(&connection, "connection", "at", "gammu connection type with --port (at, at115200, fbus, dku2, bluerfat, ...)")
	var path string
	var files []string
	addFolder := &cobra.Command{
		Use:   "folder NAME --path PATH",
		Short: "Configure storage (a mounted phone, an SD card) holding a contacts file or vdir",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return addDevice(e, deviceConf{Name: args[0], Driver: "folder", ID: path, Files: files})
		},
	}
	addFolder.Flags().StringVar(&path, "path", "", "the storage's folder")
	addFolder.Flags().StringSliceVar(&files, "file", []string{"Contacts.vcf"}, "address book inside the folder: a .vcf file or a vdir")
	addFolder.MarkFlagRequired("path")
	cmd.AddCommand(addGammu, addFolder)
	return cmd
}

func addDevice(e *env, d deviceConf) error {
	if strings.TrimSpace(d.Name) == "" {
		return errors.New("devices add: empty name")
	}
	abs, err := filepath.Abs(d.ID)
	if err != nil {
		return fmt.Errorf("devices add %s: %w", d.Name, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("devices add %s: %w", d.Name, err)
	}
	d.ID = abs
	dirs, err := config.DefaultDirs()
	if err != nil {
		return err
	}
	conf, err := loadDevices(dirs.Config)
	if err != nil {
		return err
	}
	if conf.find(d.Name) != nil {
		return fmt.Errorf("devices add: a device named %q exists", d.Name)
	}
	conf.Devices = append(conf.Devices, d)
	if err := saveDevices(dirs.Config, conf); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Added %s device %q (%s).\n", d.Driver, d.Name, d.ID)
	return nil
}

func newDevicesPair(e *env) *cobra.Command {
	var account string
	var flags [3]struct{ local, collection string }
	cmd := &cobra.Command{
		Use:   "pair NAME --account A [--contacts FOLDER] [--calendar FOLDER] [--tasks FOLDER]",
		Short: "Pair a device's address book, calendar and to-do list with local collections",
		Long: `Pairs the device's contacts, calendar and to-dos with local collections:
each FOLDER is a local vdir folder (or .vcf/.ics file), or the id (or name)
of a folder of account A as shown by "cradle status". Kinds not given keep
their pairing. NAME is a configured device or the serial of a phone on the
adb server, which is then added under that name.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := Pairing{Account: account}
			for i, tg := range []*PairTarget{&p.Contacts, &p.Calendar, &p.Tasks} {
				tg.Folder, tg.Collection = flags[i].local, flags[i].collection
			}
			paired, err := PairDevice(cmd.Context(), args[0], p)
			if errors.Is(err, ErrNothingToPair) {
				return errors.New("devices pair: give --contacts, --calendar or --tasks")
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Paired %q with %s. Run \"cradle devices sync %s\" to sync.\n", args[0], paired, args[0])
			notifyDaemon(cmd.Context(), e)
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "account whose folders to use")
	cmd.Flags().StringVar(&flags[0].local, "contacts", "", "local contacts folder or .vcf file, or a folder id from \"cradle status\"")
	cmd.Flags().StringVar(&flags[1].local, "calendar", "", "local calendar folder or .ics file, or a folder id from \"cradle status\"")
	cmd.Flags().StringVar(&flags[2].local, "tasks", "", "local to-do folder or .ics file, or a folder id from \"cradle status\"")
	cmd.Flags().StringVar(&flags[0].collection, "collection", "", "the device's address book (e.g. ME or SM for gammu); default its first")
	cmd.Flags().StringVar(&flags[1].collection, "calendar-collection", "", "the device's calendar (e.g. calendar/3 for Android); default its first")
	cmd.Flags().StringVar(&flags[2].collection, "tasks-collection", "", "the device's to-do list; default its first")
	return cmd
}

// notifyDaemon asks a running daemon to follow the devices as configured
// now. Without a daemon there is nothing to tell; one that cannot reload
// picks the change up when it restarts.
func notifyDaemon(ctx context.Context, e *env) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := client.New("").Reload(ctx)
	if err != nil && !errors.Is(err, client.ErrNotRunning) {
		fmt.Fprintf(e.stderr, "The running cradle daemon will follow this device after a restart (%v).\n", err)
	}
}

// itemExt is the file extension of local items of kind.
func itemExt(kind device.Kind) string {
	if kind == device.Contacts {
		return ".vcf"
	}
	return ".ics"
}

// pairingState is the state file of one kind's pairing. Contacts keep
// the name they had before calendars were paired.
func pairingState(dirs config.Dirs, name string, kind device.Kind) string {
	stem := store.FileStem(name)
	if kind != device.Contacts {
		stem += "." + string(kind)
	}
	return filepath.Join(dirs.Data, "devices", stem+".json")
}

func newDevicesSync(e *env) *cobra.Command {
	var allowDelete, asJSON bool
	cmd := &cobra.Command{
		Use:   "sync NAME",
		Short: "Sync a paired device's contacts, calendar and to-dos with their local collections once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs, err := config.DefaultDirs()
			if err != nil {
				return err
			}
			conf, err := loadDevices(dirs.Config)
			if err != nil {
				return err
			}
			d := conf.find(args[0])
			if d == nil || len(d.pairs()) == 0 {
				return fmt.Errorf("device %q is not paired (cradle devices pair)", args[0])
			}
			results, err := syncDevice(cmd.Context(), dirs, d, allowDelete)
			var mde *devicesync.MassDeleteError
			if errors.As(err, &mde) {
				err = fmt.Errorf("%w; run again with --allow-mass-delete if that is intended", err)
			}
			if asJSON {
				byKind := map[device.Kind]devicesync.Result{}
				for _, r := range results {
					byKind[r.kind] = r.res
				}
				if jerr := json.NewEncoder(e.stdout).Encode(byKind); jerr != nil {
					return jerr
				}
				return err
			}
			for _, r := range results {
				fmt.Fprintf(e.stdout, "%s %s: %s\n", d.Name, r.kind, r.res)
				for _, c := range r.res.Conflicts {
					fmt.Fprintf(e.stdout, "conflict: the device's version is kept in %s\n", c)
				}
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&allowDelete, "allow-mass-delete", false, "let this sync delete more than half of the items on one side")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results by kind as JSON")
	return cmd
}

// kindResult is the outcome of one pairing's sync.
type kindResult struct {
	kind device.Kind
	res  devicesync.Result
}

// syncDevice opens the device and its local collections and syncs each
// pairing once. It goes on past a failed pairing and returns the errors
// joined, with the results of the pairings that ran.
func syncDevice(ctx context.Context, dirs config.Dirs, d *deviceConf, allowDelete bool) ([]kindResult, error) {
	drv, err := d.driver()
	if err != nil {
		return nil, err
	}
	dev, err := drv.Open(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("open device %s: %w", d.Name, err)
	}
	defer dev.Close()
	ps, err := openPairings(ctx, dirs, d, dev)
	if err != nil {
		return nil, fmt.Errorf("device %s: %w", d.Name, err)
	}
	defer closePairings(ps)
	var out []kindResult
	var errs []error
	for _, p := range ps {
		if allowDelete {
			p.AllowMassDelete()
		}
		res, err := p.Sync(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", d.Name, p.Kind, err))
			continue
		}
		out = append(out, kindResult{p.Kind, res})
	}
	return out, errors.Join(errs...)
}

// openPairings opens the local collections the device is paired with and
// picks the device's collection of each kind.
func openPairings(ctx context.Context, dirs config.Dirs, d *deviceConf, dev device.Device) ([]*devicesync.Pairing, error) {
	var cols []device.Collection
	var out []*devicesync.Pairing
	for _, k := range d.pairs() {
		coll := k.collection
		if coll == "" {
			if cols == nil {
				var err error
				if cols, err = dev.Collections(ctx); err != nil {
					closePairings(out)
					return nil, err
				}
			}
			i := slices.IndexFunc(cols, func(c device.Collection) bool { return c.Kind == k.kind })
			if i < 0 {
				closePairings(out)
				return nil, fmt.Errorf("no %s collection on the device", k.kind)
			}
			coll = cols[i].ID
		}
		var st store.Store
		var err error
		if ext := itemExt(k.kind); strings.HasSuffix(k.local, ext) {
			st, err = store.OpenFile(k.local, store.Options{})
		} else {
			st, err = store.OpenVdir(k.local, ext, store.Options{})
		}
		if err != nil {
			closePairings(out)
			return nil, err
		}
		out = append(out, &devicesync.Pairing{Device: dev, Collection: coll, Kind: k.kind, Local: st,
			StatePath: pairingState(dirs, d.Name, k.kind)})
	}
	return out, nil
}

func closePairings(ps []*devicesync.Pairing) {
	for _, p := range ps {
		p.Local.Close()
	}
}

// writeGammurc writes a gammurc for a phone known only by its port into
// the configuration directory and returns its path. Values go in as given
// after refusing line breaks, which would let a flag inject settings.
func writeGammurc(configDir, name, port, connection string) (string, error) {
	for _, v := range []string{name, port, connection} {
		if strings.ContainsAny(v, "\r\n") {
			return "", fmt.Errorf("devices add gammu %s: line break in %q", name, v)
		}
	}
	dir := filepath.Join(configDir, "gammu")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("devices add gammu %s: %w", name, err)
	}
	p := filepath.Join(dir, store.FileStem(name)+".gammurc")
	body := fmt.Sprintf("[gammu]\ndevice = %s\nconnection = %s\n", port, connection)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		return "", fmt.Errorf("devices add gammu %s: %w", name, err)
	}
	return p, nil
}
