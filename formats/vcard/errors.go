package vcard

import "fmt"

// Warning is damage the reader repaired or skipped without dropping the
// card: a stray line, a nested card, an undeclared charset, a bad base64
// block. Line is the 1-based physical line.
type Warning struct {
	File string
	Line int
	Msg  string
}

// String formats the warning as "file:line: message".
func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// ReadError reports an item (card) that could not be read, or a file that
// could not be read at all (Item 0). Item is 1-based in file order.
type ReadError struct {
	File string
	Item int
	Line int
	Err  error
}

// Error names the file, the item and its line.
func (e *ReadError) Error() string {
	if e.Item == 0 {
		if e.Line == 0 {
			return fmt.Sprintf("read vcard %s: %v", e.File, e.Err)
		}
		return fmt.Sprintf("read vcard %s (line %d): %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("read vcard %s: item %d (line %d): %v", e.File, e.Item, e.Line, e.Err)
}

// Unwrap returns the underlying cause, e.g. ErrTooLarge.
func (e *ReadError) Unwrap() error { return e.Err }
