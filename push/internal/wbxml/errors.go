package wbxml

import (
	"errors"
	"fmt"
)

// ErrLimit is matched (with errors.Is) by every *LimitError.
var ErrLimit = errors.New("wbxml: limit exceeded")

// LimitError reports that a document exceeded one of the decoder's Limits.
// The document may be well formed; it is refused because it is too large.
type LimitError struct {
	Limit  string // name of the Limits field: "MaxBytes", "MaxDepth", "MaxStringLen" or "MaxTokens"
	Max    int64  // the configured maximum
	Offset int64  // byte offset in the input where the limit was crossed
}

// Error names the exceeded limit and where in the input it happened.
func (e *LimitError) Error() string {
	return fmt.Sprintf("wbxml: offset %d: %s %d exceeded", e.Offset, e.Limit, e.Max)
}

// Is reports whether target is ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// SyntaxError reports malformed WBXML at a byte offset of the input.
// Err, when set, is the underlying cause (io.ErrUnexpectedEOF for
// truncated input, or a reader's error).
type SyntaxError struct {
	Offset int64
	Msg    string
	Err    error
}

// Error describes the malformation and its byte offset.
func (e *SyntaxError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("wbxml: offset %d: %s: %v", e.Offset, e.Msg, e.Err)
	}
	return fmt.Sprintf("wbxml: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap returns the underlying cause, if any.
func (e *SyntaxError) Unwrap() error { return e.Err }
