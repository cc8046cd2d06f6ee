package control

import (
	"errors"
	"net"
	"strings"
)

// The Windows control file is "<host:port>\n<token>\n". It is parsed
// here, without build tags, so it is tested and fuzzed on every
// platform.

const maxControlFile = 1 << 10

var errControlFile = errors.New("malformed control file")

func formatControlFile(addr, token string) []byte {
	return []byte(addr + "\n" + token + "\n")
}

// parseControlFile returns the address and token in data. The address
// must be a loopback host:port, so a tampered file cannot send the token
// to another machine.
func parseControlFile(data []byte) (addr, token string, err error) {
	if len(data) > maxControlFile {
		return "", "", errControlFile
	}
	addr, rest, ok := strings.Cut(string(data), "\n")
	token, rest, ok2 := strings.Cut(rest, "\n")
	if !ok || !ok2 || rest != "" || token == "" || strings.ContainsAny(token, " \r\t") {
		return "", "", errControlFile
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", "", errControlFile
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", "", errControlFile
	}
	return addr, token, nil
}
