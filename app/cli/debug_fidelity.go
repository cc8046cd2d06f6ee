package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cradle-sync/cradle/formats/contact"
	"github.com/cradle-sync/cradle/formats/event"
)

func newDebugFidelity(e *env) *cobra.Command {
	var version string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "fidelity FILE|DIR... [--version 14.1|16.1]",
		Short: "Map each vCard/iCalendar item to ActiveSync and back, and say what happens to every property",
		Long: `Reads .vcf, .ics and .vcs files (directories are walked), maps every
item to ActiveSync data for the given protocol version and back onto the
original, and prints for each property whether it is carried to the server,
kept locally (ActiveSync has no place for it, Cradle keeps it in the file)
or lost. The last line sums up; the exit status is 1 if anything is lost.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version != "14.1" && version != "16.1" {
				return fmt.Errorf("--version %q: want 14.1 or 16.1", version)
			}
			var files []string
			for _, a := range args {
				err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					switch strings.ToLower(filepath.Ext(p)) {
					case ".vcf", ".vcard", ".ics", ".ical", ".vcs":
						if !d.IsDir() {
							files = append(files, p)
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			sort.Strings(files)
			var carried, kept, lost, items, unreadable int
			for _, p := range files {
				c, k, l, n, err := fidelityOf(e, p, version, quiet)
				if err != nil {
					fmt.Fprintf(e.stdout, "%s: cannot read: %v\n", p, err)
					unreadable++
					continue
				}
				carried, kept, lost, items = carried+c, kept+k, lost+l, items+n
			}
			fmt.Fprintf(e.stdout, "%d files, %d items: %d properties carried, %d kept locally, %d lost; %d files unreadable (EAS %s)\n",
				len(files), items, carried, kept, lost, unreadable, version)
			if lost > 0 {
				return fmt.Errorf("%d properties lost", lost)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "16.1", "ActiveSync protocol version: 14.1 or 16.1")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only lost properties and the summary")
	return cmd
}

func fidelityOf(e *env, path, version string, quiet bool) (carried, kept, lost, items int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer f.Close()
	name := filepath.Base(path)
	if strings.EqualFold(filepath.Ext(path), ".vcf") || strings.EqualFold(filepath.Ext(path), ".vcard") {
		r, err := contact.Fidelity(f, name, contact.Version(version))
		if err != nil {
			return 0, 0, 0, 0, err
		}
		for _, c := range r.Cards {
			if !quiet {
				fmt.Fprintf(e.stdout, "%s: card %d %q (line %d)\n", path, c.Item, c.Name, c.Line)
			}
			for _, en := range c.Entries {
				if !quiet || en.Status == contact.Lost {
					fmt.Fprintf(e.stdout, "  %s\n", en)
				}
			}
		}
		return r.Carried, r.KeptLocally, r.Lost, len(r.Cards), nil
	}
	r, err := event.Fidelity(f, name, event.Version(version))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	for _, it := range r.Items {
		if !quiet {
			fmt.Fprintf(e.stdout, "%s: item %s\n", path, it.UID)
		}
		for _, p := range it.Props {
			if !quiet || p.Status == event.Lost {
				fmt.Fprintf(e.stdout, "  %s\n", p)
			}
		}
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(e.stdout, "  occurrences differ: %s\n", m)
	}
	return r.Summary[event.Carried], r.Summary[event.KeptLocally], r.Summary[event.Lost] + len(r.Mismatches), len(r.Items), nil
}
