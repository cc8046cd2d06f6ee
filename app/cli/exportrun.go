package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cradle-sync/cradle/bridge/export"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
)

// ExportRequest is one export as the export window asks for it; the
// fields mean what the flags of `cradle export` mean.
type ExportRequest struct {
	// Kind is contacts, calendar or tasks.
	Kind state.Kind
	// Account limits the export to one account ("local" for This
	// computer); empty exports every account.
	Account string
	// Folders limits the export to folders whose server id or name
	// matches; empty exports every folder of the kind.
	Folders []string
	// Format is VCard3, VCard4 or CSV for contacts, "ics" otherwise.
	Format export.Format
	// From and To bound events and tasks by occurrence (To exclusive);
	// zero means unbounded.
	From, To time.Time
	// BOM starts a CSV file with a UTF-8 byte-order mark.
	BOM bool
	// Output is the file to write; it is replaced atomically.
	Output string
}

// ExportFolders runs req like `cradle export` does and reports progress
// as items are written (done of total). Folders that do not exist on
// disk are left out and passed to warn. The target file is replaced only
// when the export succeeds.
func ExportFolders(ctx context.Context, req ExportRequest, progress func(done, total int), warn func(string)) (export.Stats, error) {
	switch {
	case req.Output == "" || req.Output == "-":
		return export.Stats{}, errors.New("export: no output file")
	case req.Kind == state.KindContacts && req.Format != export.VCard3 && req.Format != export.VCard4 && req.Format != export.CSV:
		return export.Stats{}, fmt.Errorf("export: format %q does not fit contacts", req.Format)
	case req.Kind != state.KindContacts && req.Format != "ics":
		return export.Stats{}, fmt.Errorf("export: format %q does not fit %s", req.Format, req.Kind)
	}
	if warn == nil {
		warn = func(string) {}
	}
	srcs, err := stateSources(ctx, req.Kind, req.Account, req.Folders, warn)
	if err != nil {
		return export.Stats{}, err
	}
	defer func() {
		for _, s := range srcs {
			_ = s.Close()
		}
	}()
	opts := export.Options{From: req.From, To: req.To, Zone: time.Local, BOM: req.BOM, Progress: progress}
	var st export.Stats
	err = writeOutput(io.Discard, req.Output, func(w io.Writer) error {
		var err error
		st, err = exportKind(ctx, w, req.Kind, srcs, req.Format, opts)
		return err
	})
	return st, err
}

func exportKind(ctx context.Context, w io.Writer, kind state.Kind, srcs []store.Store, format export.Format, opts export.Options) (export.Stats, error) {
	switch kind {
	case state.KindContacts:
		return export.Contacts(ctx, w, srcs, format, opts)
	case state.KindCalendar:
		return export.Calendar(ctx, w, srcs, opts)
	default:
		return export.Tasks(ctx, w, srcs, opts)
	}
}
