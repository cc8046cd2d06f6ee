package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/bridge/export"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
)

// exportFlags are the options shared by the export subcommands.
type exportFlags struct {
	account  string
	folders  []string
	paths    []string
	from, to string
	format   string
	out      string
	bom      bool
}

// newExport builds "cradle export" with one subcommand per kind, so each
// offers only the formats and flags that fit it.
func newExport(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export contacts|calendar|tasks",
		Short: "Write contacts, events or tasks to one file for other programs to import",
		Long: `Exports local collections to one file: contacts as vCard 3.0 (vcf),
vCard 4.0 (vcf4) or Google Contacts CSV (csv), events and tasks as one
iCalendar file (ics) with the time zones they use.

Without --path every folder of the kind is exported: those of --account, or
of all accounts and "This computer". --folder narrows that to folders whose
server id or name matches (repeatable). --path exports any vdir or .vcf/.ics
file instead (repeatable). Items that cannot be read are skipped and listed
on standard error; the exit status is 0 as long as the file was written.`,
	}
	cmd.AddCommand(
		newExportKind(e, state.KindContacts, "contacts", string(export.VCard3)),
		newExportKind(e, state.KindCalendar, "events", "ics"),
		newExportKind(e, state.KindTasks, "tasks", "ics"),
	)
	return cmd
}

func newExportKind(e *env, kind state.Kind, noun, def string) *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   string(kind),
		Short: "Export " + noun,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.Context(), e, kind, noun, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.account, "account", "", `export only this account's folders ("local" for This computer)`)
	fl.StringArrayVar(&f.folders, "folder", nil, "export only folders with this server id or name (repeatable)")
	fl.StringArrayVar(&f.paths, "path", nil, "export this vdir or .vcf/.ics file instead of the configured folders (repeatable)")
	fl.StringVarP(&f.out, "output", "o", "-", `write to this file (replaced atomically), "-" for standard output`)
	formats := "vcf|vcf4|csv"
	if kind != state.KindContacts {
		formats = "ics"
		fl.StringVar(&f.from, "from", "", "only items with an occurrence on or after this date (YYYY-MM-DD or RFC 3339)")
		fl.StringVar(&f.to, "to", "", "only items with an occurrence before this date (exclusive)")
	} else {
		fl.BoolVar(&f.bom, "bom", false, "start CSV with a UTF-8 byte-order mark (for Excel)")
	}
	fl.StringVar(&f.format, "format", def, "output format: "+formats)
	return cmd
}

func runExport(ctx context.Context, e *env, kind state.Kind, noun string, f exportFlags) error {
	format := export.Format(f.format)
	switch {
	case kind == state.KindContacts && format != export.VCard3 && format != export.VCard4 && format != export.CSV:
		return fmt.Errorf("--format %q: want vcf, vcf4 or csv", f.format)
	case kind != state.KindContacts && format != "ics":
		return fmt.Errorf("--format %q: want ics", f.format)
	}
	var opts export.Options
	var err error
	if opts.From, err = parseDay(f.from); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if opts.To, err = parseDay(f.to); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if !opts.From.IsZero() && !opts.To.IsZero() && !opts.From.Before(opts.To) {
		return fmt.Errorf("--from %s is not before --to %s", f.from, f.to)
	}
	opts.Zone = time.Local
	opts.BOM = f.bom

	var srcs []store.Store
	if len(f.paths) > 0 {
		if f.account != "" || len(f.folders) > 0 {
			return errors.New("--path cannot be combined with --account or --folder")
		}
		srcs, err = pathSources(kind, f.paths)
	} else {
		srcs, err = stateSources(ctx, kind, f.account, f.folders, func(msg string) { fmt.Fprintln(e.stderr, msg) })
	}
	if err != nil {
		return err
	}
	defer func() {
		for _, s := range srcs {
			_ = s.Close()
		}
	}()

	bar := newProgress(e.stderr, noun)
	opts.Progress = bar.update
	var st export.Stats
	err = writeOutput(e.stdout, f.out, func(w io.Writer) error {
		var err error
		switch kind {
		case state.KindContacts:
			st, err = export.Contacts(ctx, w, srcs, format, opts)
		case state.KindCalendar:
			st, err = export.Calendar(ctx, w, srcs, opts)
		default:
			st, err = export.Tasks(ctx, w, srcs, opts)
		}
		return err
	})
	bar.done()
	if err != nil {
		return err
	}
	for _, s := range st.Skipped {
		fmt.Fprintf(e.stderr, "skipped %s\n", s)
	}
	dest := f.out
	if dest == "-" {
		dest = "standard output"
	}
	line := fmt.Sprintf("exported %d %s to %s", st.Items, noun, dest)
	if st.OutOfRange > 0 {
		line += fmt.Sprintf(", %d outside the dates", st.OutOfRange)
	}
	if len(st.Skipped) > 0 {
		line += fmt.Sprintf(", %d skipped", len(st.Skipped))
	}
	fmt.Fprintln(e.stderr, line)
	return nil
}

// parseDay reads a --from/--to value: a date (midnight, local time) or an
// RFC 3339 instant. Empty means no bound.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or RFC 3339", s)
	}
	return t, nil
}

func extOf(kind state.Kind) string {
	if kind == state.KindContacts {
		return ".vcf"
	}
	return ".ics"
}

// storeOpts silences the stores' warnings about items without a UID: the
// export reports unreadable items itself.
var storeOpts = store.Options{Logger: slog.New(slog.DiscardHandler)}

// pathSources opens each --path as a vdir (a folder) or a single file.
// Nothing is created: a missing path is an error.
func pathSources(kind state.Kind, paths []string) ([]store.Store, error) {
	var out []store.Store
	for _, p := range paths {
		s, err := openExisting(kind, p, fileStoreOf(p))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func fileStoreOf(p string) state.StoreKind {
	if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
		return state.StoreFile
	}
	return state.StoreVdir
}

func openExisting(kind state.Kind, p string, sk state.StoreKind) (store.Store, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", p, err)
	}
	if sk == state.StoreFile {
		if fi.IsDir() {
			return nil, fmt.Errorf("export %s: is a folder, want a %s file", p, extOf(kind))
		}
		if ext := filepath.Ext(p); ext != extOf(kind) {
			return nil, fmt.Errorf("export %s: %s holds no %s; want a %s file", p, ext, kind, extOf(kind))
		}
		return store.OpenFile(p, storeOpts)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("export %s: not a folder", p)
	}
	return store.OpenVdir(p, extOf(kind), storeOpts)
}

// stateSources lists the folders of kind that the sync engine keeps: the
// accounts' folders from the state database, and This computer's. A
// folder whose files do not exist (not synced yet, or moved away) is
// reported through warn and left out.
func stateSources(ctx context.Context, kind state.Kind, account string, folders []string, warn func(string)) ([]store.Store, error) {
	dirs, err := config.DefaultDirs()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(dirs.Config)
	if err != nil {
		return nil, err
	}
	match := func(id, name string) bool {
		if len(folders) == 0 {
			return true
		}
		for _, f := range folders {
			if f == id || strings.EqualFold(f, name) {
				return true
			}
		}
		return false
	}
	var out []store.Store
	found := false
	if (account == "" || account == config.LocalName) && !cfg.Local.Disabled {
		found = true
		id, dir := "contacts", cfg.Local.Contacts
		if kind != state.KindContacts {
			// Local tasks live beside the events, as VTODOs.
			id, dir = "calendar", cfg.Local.Calendar
		}
		if dir == "" {
			dir = filepath.Join(dirs.Data, config.LocalName, id)
		}
		if match(id, "This computer") {
			if s, err := openExisting(kind, dir, state.StoreVdir); err == nil {
				out = append(out, s)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	dbPath := filepath.Join(dirs.Data, "state.db")
	if account != config.LocalName {
		// Opening creates a database; a user who never synced has none.
		if _, err := os.Stat(dbPath); err == nil {
			db, err := state.Open(ctx, dbPath)
			if err != nil {
				return nil, err
			}
			defer db.Close()
			accts, err := db.Accounts(ctx)
			if err != nil {
				return nil, err
			}
			for _, a := range accts {
				if account != "" && a.Name != account {
					continue
				}
				found = true
				rows, err := db.Folders(ctx, a.ID)
				if err != nil {
					return nil, err
				}
				for _, fo := range rows {
					if fo.Kind != kind || fo.StoreKind == state.StoreNone || fo.State == state.FolderRemoved ||
						!match(fo.ServerID, fo.DisplayName) {
						continue
					}
					s, err := openExisting(kind, fo.StorePath, fo.StoreKind)
					if errors.Is(err, fs.ErrNotExist) {
						warn(fmt.Sprintf("account %s, folder %s: %s does not exist; left out", a.Name, fo.DisplayName, fo.StorePath))
						continue
					}
					if err != nil {
						return nil, fmt.Errorf("account %s, folder %s: %w", a.Name, fo.DisplayName, err)
					}
					out = append(out, s)
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("no account %q", account)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s folder to export; see cradle status, or use --path", kind)
	}
	return out, nil
}

// writeOutput runs write against standard output or a file. A regular
// file is replaced atomically: the data goes to a temporary file in the
// same folder that is renamed over the target only when complete, so a
// failed export leaves the old file as it was.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		// A device or pipe (/dev/null, a FIFO) is written in place;
		// renaming over it would replace it.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		werr := write(f)
		if err := f.Close(); werr == nil {
			werr = err
		}
		return werr
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.OpenFile(filepath.Join(dir, atomicfile.TempName(base)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// progress draws a bar on a terminal and nothing elsewhere, where the
// summary line is enough.
type progress struct {
	w     io.Writer
	noun  string
	tty   bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, noun string) *progress {
	p := &progress{w: w, noun: noun}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

const barWidth = 30

func (p *progress) update(done, total int) {
	if !p.tty || total == 0 {
		return
	}
	// Redrawing for every item of a large export would cost more than the
	// export; ten frames a second look smooth.
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fill := barWidth * done / total
	fmt.Fprintf(p.w, "\rexporting %s [%s%s] %d/%d", p.noun, strings.Repeat("#", fill), strings.Repeat(" ", barWidth-fill), done, total)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
