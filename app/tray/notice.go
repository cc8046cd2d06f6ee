package tray

import "fmt"

// Note is one desktop notification.
type Note struct {
	// Key groups notes about the same matter: a newer note with the same
	// key replaces the older one on screen instead of stacking up.
	Key   string
	Title string
	Body  string
}

// notices returns the notes worth a desktop notification when the
// snapshot changes from prev to next: new conflicts, a sign-in failure
// that has just begun, and the mass-delete guard tripping. Routine syncs,
// going offline and problems that clear stay quiet; the icon shows those.
// The first snapshot is compared with the zero Snapshot, so a problem
// present at start-up is announced once.
func notices(prev, next Snapshot) []Note {
	var out []Note
	if next.AuthFailed && !prev.AuthFailed {
		body := "The server refused the account's credentials. Open Accounts and settings… to sign in again."
		if d := cleanDetail(next.Detail); d != "" {
			body = d + "\n" + body
		}
		out = append(out, Note{Key: "auth", Title: "Cradle cannot sign in", Body: body})
	}
	if next.HeldDeletes > 0 && prev.HeldDeletes == 0 {
		out = append(out, Note{
			Key:   "guard",
			Title: fmt.Sprintf("Cradle held back %s", plural(next.HeldDeletes, "deletion", "deletions")),
			Body:  "More items were deleted at once than Cradle passes on without asking. Open Activity… to confirm or undo.",
		})
	}
	if n := next.Conflicts - prev.Conflicts; n > 0 {
		title := "New conflict"
		if n > 1 {
			title = fmt.Sprintf("%d new conflicts", n)
		}
		out = append(out, Note{
			Key:   "conflicts",
			Title: title,
			Body:  fmt.Sprintf("%s waiting in all. Open Conflicts… to choose which version to keep.", plural(next.Conflicts, "conflict", "conflicts")),
		})
	}
	return out
}
