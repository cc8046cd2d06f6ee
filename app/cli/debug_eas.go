package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

func newDebug(e *env) *cobra.Command {
	debug := &cobra.Command{
		Use:   "debug",
		Short: "Tools for looking at a server or a file the way Cradle sees it",
	}
	debug.AddCommand(newDebugEAS(e), newDebugFidelity(e))
	return debug
}

type easFlags struct {
	url, user, device, version string
	passwordStdin              bool
	heartbeat                  time.Duration
	window                     int
	key                        string
}

func newDebugEAS(e *env) *cobra.Command {
	var f easFlags
	cmd := &cobra.Command{
		Use:   "eas options|folders|sync FOLDER|ping [FOLDER...]",
		Short: "Talk ActiveSync to a server and print every request and response as XML",
		Long: `Runs one ActiveSync command against a server and prints the decoded
WBXML of each request and response, for people debugging a server.

  options          OPTIONS: versions and commands the server announces
  folders          FolderSync from key 0: every folder with its id and type
  sync FOLDER      Sync one folder from --key (default 0: everything)
  ping [FOLDER...] one Ping on the given folder ids (default: contacts,
                   calendar and task folders) with --heartbeat

The password is read from standard input with --password-stdin, otherwise
asked for on the terminal. It is never printed: Authorization headers are
redacted from the output.`,
		Args: cobra.RangeArgs(1, 64),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDebugEAS(cmd.Context(), e, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "ActiveSync endpoint, e.g. https://mail.example.com/Microsoft-Server-ActiveSync")
	fl.StringVar(&f.user, "user", "", "user name")
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fl.StringVar(&f.device, "device", "", "DeviceId to use (default: a new random one, so the server keeps no state for it)")
	fl.StringVar(&f.version, "version", "", "protocol version to use instead of negotiating (e.g. 14.1)")
	fl.DurationVar(&f.heartbeat, "heartbeat", 60*time.Second, "heartbeat for ping")
	fl.IntVar(&f.window, "window", 100, "WindowSize for sync")
	fl.StringVar(&f.key, "key", "0", "SyncKey to start sync from")
	cmd.MarkFlagRequired("url")
	cmd.MarkFlagRequired("user")
	return cmd
}

// addedFolders lists a FolderSync response's folders; a response without
// changes (nothing to list) gives none rather than a nil dereference.
func addedFolders(r *push.FolderSyncResponse) []push.Folder {
	if r == nil || r.Changes == nil {
		return nil
	}
	return r.Changes.Add
}

func readPassword(e *env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	return "", errors.New("no password: use --password-stdin or run on a terminal")
}

func runDebugEAS(ctx context.Context, e *env, f easFlags, args []string) error {
	pass, err := readPassword(e, f.passwordStdin)
	if err != nil {
		return err
	}
	device := f.device
	if device == "" {
		var b [8]byte
		rand.Read(b[:])
		device = "cradledebug" + hex.EncodeToString(b[:])
	}
	cfg := easclient.Config{
		URL: f.url, User: f.user, DeviceID: device,
		Auth: easclient.BasicAuth(f.user, pass),
		Trace: func(t easclient.Trace) {
			dir := "→"
			if t.Response {
				dir = fmt.Sprintf("← HTTP %d", t.Status)
			}
			fmt.Fprintf(e.stdout, "%s %s\n", dir, t.Command)
			if t.XML != "" {
				fmt.Fprintln(e.stdout, strings.TrimRight(t.XML, "\n"))
			}
		},
	}
	if f.version != "" {
		v, err := push.ParseVersion(f.version)
		if err != nil {
			return err
		}
		cfg.Version = v
	}
	c, err := easclient.New(cfg)
	if err != nil {
		return err
	}
	switch args[0] {
	case "options":
		info, err := c.Options(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "server: %s\nversions: %v\nnegotiated: %s\ncommands: %s\n",
			info.Server, info.Versions, c.Version(), strings.Join(info.Commands, ","))
		return nil
	case "folders":
		resp, err := c.FolderSync(ctx, "0")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-32s %-6s %-10s %s\n", "ID", "TYPE", "CLASS", "NAME")
		for _, a := range addedFolders(resp) {
			fmt.Fprintf(e.stdout, "%-32s %-6d %-10s %s\n", a.ServerID, a.Type, a.Type.Class(), a.DisplayName)
		}
		return nil
	case "sync":
		if len(args) != 2 {
			return errors.New("sync takes one FOLDER id (see 'debug eas folders')")
		}
		n := 0
		key, err := c.SyncFolder(ctx, easclient.SyncFolderRequest{
			CollectionID: args[1], SyncKey: f.key, WindowSize: f.window,
			Options: &push.SyncOptions{BodyPreference: []push.BodyPreference{{Type: 1}}},
		}, func(w *easclient.Window) error {
			n += w.Commands.Len()
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d changes; SyncKey now %s\n", n, key)
		return nil
	case "ping":
		fs, err := c.FolderSync(ctx, "0")
		if err != nil {
			return err
		}
		var folders []push.PingFolder
		for _, a := range addedFolders(fs) {
			cl := a.Type.Class()
			wanted := len(args) == 1 && (cl == push.ClassContacts || cl == push.ClassCalendar || cl == push.ClassTasks)
			if len(args) > 1 && slices.Contains(args[1:], a.ServerID) {
				wanted = true
			}
			if wanted {
				folders = append(folders, push.PingFolder{ID: a.ServerID, Class: cl})
			}
		}
		if len(args) > 1 && len(folders) != len(args)-1 {
			return fmt.Errorf("folders %q: not all are in the server's folder list", args[1:])
		}
		// A Ping on a folder the server keeps no sync state for is never
		// answered with changes; prime each one first.
		for _, fo := range folders {
			if _, err := c.SyncFolder(ctx, easclient.SyncFolderRequest{CollectionID: fo.ID}, func(*easclient.Window) error { return nil }); err != nil {
				return err
			}
		}
		start := time.Now()
		resp, err := c.Ping(ctx, f.heartbeat, folders)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "ping status %d (%s) after %s; changed: %v\n", resp.Status, resp.Status, time.Since(start).Round(time.Millisecond), resp.Folders)
		return nil
	}
	return fmt.Errorf("unknown eas command %q", args[0])
}
