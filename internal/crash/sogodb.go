package crash

import (
	"context"
	"encoding/base64"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// SOGoDB reads SOGo's own tables (through psql, as internal/sogotest
// does) to tell SOGo's known blind spot from a fault of Cradle's: SOGo's
// SyncKeys are whole seconds and it reports only rows modified after the
// client's key, so a change stored in the same second as the key, after
// the key was handed out, is never reported incrementally. Only a full
// resync (Cradle's integrity check) finds it.
type SOGoDB struct {
	// Socket is the PostgreSQL socket directory, Port its port.
	Socket, Port string
	User         string // the SOGo user whose collections are read
}

// Stamp is SOGo's record of one resource.
type Stamp struct {
	Modified int64 // c_lastmodified, Unix seconds
	Deleted  bool
}

var (
	tableRE = regexp.MustCompile(`^[a-z0-9_]+$`)
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

func (s SOGoDB) query(ctx context.Context, sql string) (string, error) {
	cmd := exec.CommandContext(ctx, "psql", "-h", s.Socket, "-p", s.Port, "-U", "sogo", "-d", "sogo",
		"-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql: %w: %s", err, out)
	}
	return string(out), nil
}

// Stamps returns SOGo's records of the named resources of kind k, deleted
// ones included (SOGo keeps them, flagged, for sync). Names it has no
// record of are absent from the map.
func (s SOGoDB) Stamps(ctx context.Context, k Kind, names []string) (map[string]Stamp, error) {
	out := map[string]Stamp{}
	if len(names) == 0 {
		return out, nil
	}
	if !nameRE.MatchString(s.User) {
		return nil, fmt.Errorf("odd SOGo user %q", s.User)
	}
	coll := "Contacts"
	if k == Event {
		coll = "Calendar"
	}
	loc, err := s.query(ctx, fmt.Sprintf(`SELECT c_location FROM sogo_folder_info WHERE c_path2 = '%s' AND c_path3 = '%s' AND c_path4 = 'personal'`, s.User, coll))
	if err != nil {
		return nil, err
	}
	loc = strings.TrimSpace(loc)
	table := loc[strings.LastIndexByte(loc, '/')+1:]
	if !tableRE.MatchString(table) {
		return nil, fmt.Errorf("SOGo folder of %s/%s: odd location %q", s.User, coll, loc)
	}
	quoted := make([]string, 0, len(names))
	for _, n := range names {
		if !nameRE.MatchString(n) {
			return nil, fmt.Errorf("odd resource name %q", n)
		}
		quoted = append(quoted, "'"+n+"'")
	}
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT c_name, c_lastmodified, COALESCE(c_deleted, 0) FROM %s WHERE c_name IN (%s)`,
		table, strings.Join(quoted, ",")))
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(strings.TrimSpace(rows), "\n") {
		f := strings.Split(l, "|")
		if len(f) != 3 {
			continue
		}
		m, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("c_lastmodified of %s: %w", f[0], err)
		}
		out[f[0]] = Stamp{Modified: m, Deleted: f[2] == "1"}
	}
	return out, nil
}

// SyncCache returns what SOGo believes the device has of the collection of
// kind k: item server ids (contacts: the DAV name; events: the DAV name
// without .ics) mapped to the c_lastmodified of the version it last sent
// or received. An item changed later than its entry, or deleted while
// still listed, is one SOGo has not reported to the device.
func (s SOGoDB) SyncCache(ctx context.Context, device string, k Kind) (map[string]int64, error) {
	if !nameRE.MatchString(s.User) || !nameRE.MatchString(device) {
		return nil, fmt.Errorf("odd SOGo user %q or device %q", s.User, device)
	}
	comp := "vcard"
	if k == Event {
		comp = "vevent"
	}
	out, err := s.query(ctx, fmt.Sprintf(`SELECT c_content FROM sogo_cache_folder_%s WHERE c_path = '/%s+%s/personal'`, s.User, device, comp))
	if err != nil {
		return nil, err
	}
	doc, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(out), ""))
	if err != nil {
		return nil, fmt.Errorf("SOGo cache of %s/%s: %w", device, comp, err)
	}
	c, err := syncCache(doc)
	if err != nil {
		return nil, fmt.Errorf("SOGo cache of %s/%s: %w", device, comp, err)
	}
	return c, nil
}

// CacheKey is the SyncCache key of a DAV name of kind k.
func CacheKey(k Kind, name string) string {
	if k == Event {
		return strings.TrimSuffix(name, ".ics")
	}
	return name
}
