package uimodel

import (
	"errors"
	"fmt"
	"slices"

	"github.com/cradle-sync/cradle/app/client"
	"github.com/cradle-sync/cradle/bridge/api"
)

// PairKinds are the kinds of collection a device is paired for, in the
// order the pairing form shows them.
var PairKinds = []string{"contacts", "calendar", "tasks"}

// Pairing is what the pairing form saves for one device.
type Pairing struct {
	// Account is the account whose folders the targets are.
	Account string
	// Contacts, Calendar and Tasks are the new pairing of each kind.
	Contacts, Calendar, Tasks PairTarget
}

// Target returns a pointer to p's target of kind, nil for an unknown
// kind.
func (p *Pairing) Target(kind string) *PairTarget {
	switch kind {
	case "contacts":
		return &p.Contacts
	case "calendar":
		return &p.Calendar
	case "tasks":
		return &p.Tasks
	}
	return nil
}

// Changes reports whether saving p changes anything: a kind left as it
// is does not.
func (p Pairing) Changes() bool {
	var zero PairTarget
	return p.Contacts != zero || p.Calendar != zero || p.Tasks != zero
}

// PairTarget is the pairing of one kind. The zero value leaves it as it
// is.
type PairTarget struct {
	// Path is the local path of the account's folder to pair with.
	Path string
	// Unpair drops the kind's pairing.
	Unpair bool
}

// PairChoice is one entry of a kind's selector in the pairing form.
type PairChoice struct {
	Label  string
	Target PairTarget
}

// Labels returned by PairChoices for the choices that name no folder.
const (
	NotPaired = "Not paired"
	AsItIs    = "Leave as it is"
)

// PairAccounts lists the accounts of st that have a folder a device can
// be paired with, in status order.
func PairAccounts(st api.Status) []string {
	var out []string
	for _, a := range st.Accounts {
		if slices.ContainsFunc(a.Folders, pairable) {
			out = append(out, a.Name)
		}
	}
	return out
}

// pairable reports whether a device may be paired with f: a kind phones
// keep, and a folder synced to a local path.
func pairable(f api.Folder) bool {
	return slices.Contains(PairKinds, f.Kind) && f.LocalPath != "" && f.State != "skipped"
}

// PairChoices returns the choices for kind of account in st, labels
// unique, and the index of the one to preselect. current is the local
// path the device is paired with ("" for not paired); known is false
// when the daemon does not say, and the form then offers, and
// preselects, leaving the pairing as it is. A current path that is none
// of the account's folders is offered the same way, by its path.
func PairChoices(st api.Status, account, kind, current string, known bool) ([]PairChoice, int) {
	var folders []api.Folder
	for _, a := range st.Accounts {
		if a.Name == account {
			for _, f := range a.Folders {
				if f.Kind == kind && pairable(f) {
					folders = append(folders, f)
				}
			}
		}
	}
	var out []PairChoice
	selected := -1
	switch {
	case !known:
		out, selected = append(out, PairChoice{Label: AsItIs}), 0
	case current != "" && !slices.ContainsFunc(folders, func(f api.Folder) bool { return f.LocalPath == current }):
		out, selected = append(out, PairChoice{Label: AsItIs + " (" + current + ")"}), 0
	}
	out = append(out, PairChoice{Label: NotPaired, Target: PairTarget{Unpair: true}})
	if selected < 0 && current == "" {
		selected = len(out) - 1
	}
	names := map[string]int{}
	for _, f := range folders {
		names[f.Name]++
	}
	for _, f := range folders {
		label := f.Name
		if label == "" || names[f.Name] > 1 {
			// Two folders of one name (Contacts under two parents) are
			// told apart by their server ids.
			label = fmt.Sprintf("%s (%s)", f.Name, f.ID)
		}
		c := PairChoice{Label: label, Target: PairTarget{Path: f.LocalPath}}
		if f.LocalPath == current && known {
			// Choosing the current folder again changes nothing.
			c.Target = PairTarget{}
			selected = len(out)
		}
		out = append(out, c)
	}
	return out, selected
}

// PairedNotice words the outcome of a saved pairing of device, given the
// error asking the daemon to reload returned.
func PairedNotice(device string, reloadErr error) string {
	switch {
	case reloadErr == nil:
		return "Saved the pairing of " + device + "; Cradle follows it now."
	case Unsupported(reloadErr):
		return "Saved the pairing of " + device + ". Restart Cradle so it follows the new pairing."
	case errors.Is(reloadErr, client.ErrNotRunning):
		return "Saved the pairing of " + device + "; Cradle follows it when it starts."
	}
	return "Saved the pairing of " + device + ", but Cradle did not take it up (" + reloadErr.Error() + "). Restart Cradle so it follows the new pairing."
}
