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
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"

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

// deviceConf is one configured device and, once paired, where its contacts go.
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
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", orDash(r.Name), r.Driver, r.ID, state, orDash(r.Label), orDash(r.Contacts))
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
		row := deviceRow{Name: d.Name, Driver: d.Driver, ID: d.ID, State: "absent", Contacts: d.Contacts}
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
	var gammurc string
	addGammu := &cobra.Command{
		Use:   "gammu NAME --gammurc FILE",
		Short: "Configure a phone reached through gammu, described by a gammurc file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return addDevice(e, deviceConf{Name: args[0], Driver: "gammu", ID: gammurc})
		},
	}
	addGammu.Flags().StringVar(&gammurc, "gammurc", "", "gammurc file ([gammu] section with connection, device, model)")
	addGammu.MarkFlagRequired("gammurc")
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
	var account, contacts, collection string
	cmd := &cobra.Command{
		Use:   "pair NAME --account A --contacts FOLDER",
		Short: "Pair a device's address book with a local contacts collection",
		Long: `Pairs the device's contacts with FOLDER: a local vdir folder or .vcf file,
or the id (or name) of a contacts folder of account A as shown by
"cradle status". NAME is a configured device or the serial of a phone on
the adb server, which is then added under that name.`,
		Args: cobra.ExactArgs(1),
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
			if d == nil {
				conf.Devices = append(conf.Devices, deviceConf{Name: args[0], Driver: "adb", ID: args[0]})
				d = &conf.Devices[len(conf.Devices)-1]
			}
			path, err := resolveContacts(cmd, account, contacts)
			if err != nil {
				return err
			}
			if d.Contacts != "" && d.Contacts != path {
				// A new local side makes the old agreement meaningless.
				if err := os.Remove(pairingState(dirs, d.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("reset pairing of %s: %w", d.Name, err)
				}
			}
			d.Account, d.Contacts, d.Collection = account, path, collection
			if err := saveDevices(dirs.Config, conf); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Paired %q with %s. Run \"cradle devices sync %s\" to sync.\n", d.Name, path, d.Name)
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "account whose contacts folder to use")
	cmd.Flags().StringVar(&contacts, "contacts", "", "local contacts folder or file, or a folder id from \"cradle status\"")
	cmd.Flags().StringVar(&collection, "collection", "", "the device's address book (e.g. ME or SM for gammu); default its first")
	cmd.MarkFlagRequired("contacts")
	return cmd
}

// resolveContacts turns --contacts into a local path: an existing path
// as given, else the account's contacts folder with that id or name.
func resolveContacts(cmd *cobra.Command, account, contacts string) (string, error) {
	if st, err := os.Stat(contacts); err == nil && (st.IsDir() || strings.HasSuffix(contacts, ".vcf")) {
		return filepath.Abs(contacts)
	}
	if account == "" {
		return "", fmt.Errorf("contacts %q: no such path; give --account to look it up as a folder id", contacts)
	}
	st, err := currentStatus(cmd)
	if err != nil {
		return "", err
	}
	for _, a := range st.Accounts {
		if a.Name != account {
			continue
		}
		for _, f := range a.Folders {
			if f.Kind == "contacts" && (f.ID == contacts || f.Name == contacts) {
				return f.LocalPath, nil
			}
		}
		return "", fmt.Errorf("account %q has no contacts folder %q (see cradle status)", account, contacts)
	}
	return "", fmt.Errorf("no account %q (see cradle status)", account)
}

func pairingState(dirs config.Dirs, name string) string {
	return filepath.Join(dirs.Data, "devices", store.FileStem(name)+".json")
}

func newDevicesSync(e *env) *cobra.Command {
	var allowDelete, asJSON bool
	cmd := &cobra.Command{
		Use:   "sync NAME",
		Short: "Sync a paired device's contacts with its local collection once",
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
			if d == nil || d.Contacts == "" {
				return fmt.Errorf("device %q is not paired (cradle devices pair)", args[0])
			}
			res, err := syncDevice(cmd.Context(), dirs, d, allowDelete)
			var mde *devicesync.MassDeleteError
			if errors.As(err, &mde) {
				return fmt.Errorf("%w; run again with --allow-mass-delete if that is intended", err)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(e.stdout).Encode(res)
			}
			fmt.Fprintf(e.stdout, "%s: %s\n", d.Name, res)
			for _, c := range res.Conflicts {
				fmt.Fprintf(e.stdout, "conflict: the device's version is kept in %s\n", c)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&allowDelete, "allow-mass-delete", false, "let this sync delete more than half of the items on one side")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

// syncDevice opens the device and the local collection and runs one sync.
func syncDevice(ctx context.Context, dirs config.Dirs, d *deviceConf, allowDelete bool) (devicesync.Result, error) {
	drv, err := d.driver()
	if err != nil {
		return devicesync.Result{}, err
	}
	dev, err := drv.Open(ctx, d.ID)
	if err != nil {
		return devicesync.Result{}, fmt.Errorf("open device %s: %w", d.Name, err)
	}
	defer dev.Close()
	p, err := openPairing(ctx, dirs, d, dev)
	if err != nil {
		return devicesync.Result{}, fmt.Errorf("device %s: %w", d.Name, err)
	}
	defer p.Local.Close()

	if allowDelete {
		p.AllowMassDelete()
	}
	return p.Sync(ctx)
}
