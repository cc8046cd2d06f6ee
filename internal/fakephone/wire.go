package fakephone

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Commands of the adb transport protocol (the "wire" between the adb
// server and adbd), as adbd's protocol.txt names them.
const (
	cmdCNXN = 0x4e584e43
	cmdAUTH = 0x48545541
	cmdOPEN = 0x4e45504f
	cmdOKAY = 0x59414b4f
	cmdCLSE = 0x45534c43
	cmdWRTE = 0x45545257
)

// AUTH packet types.
const (
	authToken        = 1
	authSignature    = 2
	authRSAPublicKey = 3
)

const (
	// protocolVersion is A_VERSION of adb 29 (checksums may be skipped by
	// peers that also speak it; we still send correct ones).
	protocolVersion = 0x01000001
	// maxPayload is what this phone accepts per message.
	maxPayload = 256 * 1024
	headerSize = 24
)

// message is one adb transport message: a 24-byte little-endian header
// (command, arg0, arg1, data length, data checksum, magic = ^command)
// followed by the data.
type message struct {
	cmd, arg0, arg1 uint32
	data            []byte
}

func (m message) String() string {
	var name [4]byte
	binary.LittleEndian.PutUint32(name[:], m.cmd)
	return fmt.Sprintf("%s(%d,%d,%d bytes)", name[:], m.arg0, m.arg1, len(m.data))
}

func checksum(b []byte) uint32 {
	var s uint32
	for _, c := range b {
		s += uint32(c)
	}
	return s
}

func writeMessage(w io.Writer, m message) error {
	buf := make([]byte, headerSize+len(m.data))
	binary.LittleEndian.PutUint32(buf[0:], m.cmd)
	binary.LittleEndian.PutUint32(buf[4:], m.arg0)
	binary.LittleEndian.PutUint32(buf[8:], m.arg1)
	binary.LittleEndian.PutUint32(buf[12:], uint32(len(m.data)))
	binary.LittleEndian.PutUint32(buf[16:], checksum(m.data))
	binary.LittleEndian.PutUint32(buf[20:], m.cmd^0xffffffff)
	copy(buf[headerSize:], m.data)
	_, err := w.Write(buf)
	return err
}

var errBadMessage = errors.New("fakephone: malformed adb message")

// readMessage reads one message, rejecting bad magic, oversized data and
// (when the data is non-empty and the sender computed one) bad checksums.
func readMessage(r io.Reader) (message, error) {
	var h [headerSize]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return message{}, err
	}
	m := message{
		cmd:  binary.LittleEndian.Uint32(h[0:]),
		arg0: binary.LittleEndian.Uint32(h[4:]),
		arg1: binary.LittleEndian.Uint32(h[8:]),
	}
	n := binary.LittleEndian.Uint32(h[12:])
	sum := binary.LittleEndian.Uint32(h[16:])
	if binary.LittleEndian.Uint32(h[20:]) != m.cmd^0xffffffff {
		return message{}, fmt.Errorf("%w: bad magic", errBadMessage)
	}
	if n > 1024*1024 {
		return message{}, fmt.Errorf("%w: %d data bytes", errBadMessage, n)
	}
	m.data = make([]byte, n)
	if _, err := io.ReadFull(r, m.data); err != nil {
		return message{}, err
	}
	// Peers speaking A_VERSION 0x01000001 may send a zero checksum.
	if sum != 0 && sum != checksum(m.data) {
		return message{}, fmt.Errorf("%w: bad checksum", errBadMessage)
	}
	return m, nil
}

// shell_v2 packet ids.
const (
	shellStdin    = 0
	shellStdout   = 1
	shellStderr   = 2
	shellExit     = 3
	shellCloseIn  = 4
	shellWinSize  = 5
	shellV2Header = 5
)

// shellPacket frames data as a shell_v2 packet: id byte, LE32 length, data.
func shellPacket(id byte, data []byte) []byte {
	b := make([]byte, shellV2Header+len(data))
	b[0] = id
	binary.LittleEndian.PutUint32(b[1:], uint32(len(data)))
	copy(b[shellV2Header:], data)
	return b
}
