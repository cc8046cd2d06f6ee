package gammu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// MaxOutput bounds what is read from one gammu run.
const MaxOutput = 32 << 20

// errorPhrases are fragments of gammu's error messages (GSM_ErrorString).
// Gammu exits 0 after several of them, so output is checked as well as the
// exit status.
var errorPhrases = []string{
	"not supported", "not implemented", "Error ", "Error:", "No response in specified timeout",
	"Can not open", "Security error", "Phone is disabled", "permission", "Device busy",
	"Unknown memory type", "No connection",
}

// runner runs the gammu command with one configuration file.
type runner struct {
	bin    string
	config string
}

// limitedBuffer keeps at most MaxOutput bytes and notes overflow.
type limitedBuffer struct {
	bytes.Buffer
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > MaxOutput {
		b.over = true
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// run runs `gammu -c config args…` with stdin as input. LC_ALL=C keeps
// dates and messages in the forms the parsers expect. It fails on a
// non-zero exit status and on output overflow; callers check the output
// for errors gammu reports with status 0.
func (r *runner) run(ctx context.Context, stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, r.bin, append([]string{"-c", r.config}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	if out.over || errOut.over {
		return "", "", fmt.Errorf("gammu %s: output exceeds %d bytes", args[0], MaxOutput)
	}
	stdout, stderr = out.String(), errOut.String()
	if runErr != nil {
		var exit *exec.ExitError
		if errors.As(runErr, &exit) {
			return stdout, stderr, fmt.Errorf("gammu %s: exit %d: %s", args[0], exit.ExitCode(), brief(stdout+stderr))
		}
		return stdout, stderr, fmt.Errorf("gammu %s: %w", args[0], runErr)
	}
	return stdout, stderr, nil
}

// promptEnd ends every question gammu asks (on stderr) when run without
// -yes.
const promptEnd = "(yes/no/ALL/ONLY/NONE) "

// runAsking runs gammu like run, but answers each question gammu asks on
// stderr with answer(question). Reading questions rather than piping a
// fixed list matters because gammu asks them in an order that depends on
// the file (calendar imports ask about the clock first).
func (r *runner) runAsking(ctx context.Context, answer func(question string) string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, r.bin, append([]string{"-c", r.config}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	in, err := cmd.StdinPipe()
	if err != nil {
		return "", "", fmt.Errorf("gammu %s: %w", args[0], err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return "", "", fmt.Errorf("gammu %s: %w", args[0], err)
	}
	var out limitedBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return "", "", fmt.Errorf("gammu %s: %w", args[0], err)
	}
	var errOut limitedBuffer
	asked := 0 // bytes of stderr already answered
	buf := make([]byte, 4096)
	for {
		n, readErr := errPipe.Read(buf)
		_, _ = errOut.Write(buf[:n])
		text := errOut.String()
		if strings.HasSuffix(text, promptEnd) && len(text) > asked {
			_, _ = io.WriteString(in, answer(text[asked:]))
			asked = len(text)
		}
		if readErr != nil {
			break
		}
	}
	in.Close()
	waitErr := cmd.Wait()
	if out.over || errOut.over {
		return "", "", fmt.Errorf("gammu %s: output exceeds %d bytes", args[0], MaxOutput)
	}
	stdout, stderr = out.String(), errOut.String()
	if waitErr != nil {
		return stdout, stderr, fmt.Errorf("gammu %s: %w: %s", args[0], waitErr, brief(stdout+stderr))
	}
	return stdout, stderr, nil
}

// findError returns the first of lines that reads as a gammu error.
func findError(lines []string) string {
	for _, l := range lines {
		for _, p := range errorPhrases {
			if strings.Contains(l, p) {
				return strings.TrimSpace(l)
			}
		}
	}
	return ""
}

func brief(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
