package folder

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Mount is one line of /proc/self/mountinfo.
type Mount struct {
	Point  string
	FSType string
	Source string
}

// maxMountinfo bounds the mount table read.
const maxMountinfo = 4 << 20

// ParseMountinfo reads /proc/<pid>/mountinfo lines ("36 35 98:0 /mnt1
// /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"). Mount
// points are unescaped (the kernel writes space as \040).
func ParseMountinfo(r io.Reader) ([]Mount, error) {
	var out []Mount
	sc := bufio.NewScanner(io.LimitReader(r, maxMountinfo))
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 7 {
			continue
		}
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+2 >= len(f) {
			continue
		}
		out = append(out, Mount{Point: unescapeOctal(f[4]), FSType: f[sep+1], Source: unescapeOctal(f[sep+2])})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mountinfo: %w", err)
	}
	return out, nil
}

func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// removableFS are file system types of USB sticks, SD cards and phones
// mounted over MTP; mounts of other types count only under a watched root.
var removableFS = map[string]bool{
	"vfat": true, "exfat": true, "ntfs": true, "ntfs3": true, "fuseblk": true, "hfsplus": true,
	"udf": true, "iso9660": true, "fuse.jmtpfs": true, "fuse.simple-mtpfs": true, "fuse.go-mtpfs": true,
	"fuse.gvfsd-fuse": true,
}
