package adb

import (
	"bytes"
	"fmt"
	"strconv"
)

// maxRows bounds the rows parsed from one query's output.
const maxRows = 1 << 20

// Row is one row of `content query` output, values in projection order.
// Android prints SQL NULL as the text "NULL", indistinguishable from a
// value "NULL"; Value treats both as empty.
type Row []string

// Value returns column i, or "" for NULL.
func (r Row) Value(i int) string {
	if i >= len(r) || r[i] == "NULL" {
		return ""
	}
	return r[i]
}

// Int returns column i as an integer, or 0.
func (r Row) Int(i int) int64 {
	n, _ := strconv.ParseInt(r.Value(i), 10, 64)
	return n
}

// ParseRows parses `content query` output for the given projection.
//
// Android prints each row as "Row: N col=value, col=value" with no
// escaping, so values may contain ", ", "=" and newlines. The parser
// therefore does not split on separators: it expects exactly the
// projection's columns in order and ends each value at the first
// ", <next column>=" (or, for the last column, at the next
// "\nRow: <N+1> <first column>=" or the end of output). "No result found."
// is an empty result. Output that does not follow this shape is an error.
func ParseRows(out []byte, projection []string) ([]Row, error) {
	if len(projection) == 0 {
		return nil, fmt.Errorf("parse rows: empty projection")
	}
	trimmed := bytes.TrimRight(out, "\n")
	if len(trimmed) == 0 || string(trimmed) == "No result found." {
		return nil, nil
	}
	var rows []Row
	pos := 0
	for n := 0; pos < len(trimmed); n++ {
		if n >= maxRows {
			return nil, fmt.Errorf("parse rows: more than %d rows", maxRows)
		}
		prefix := "Row: " + strconv.Itoa(n) + " "
		if !bytes.HasPrefix(trimmed[pos:], []byte(prefix)) {
			return nil, fmt.Errorf("parse rows: row %d: expected %q at offset %d", n, prefix, pos)
		}
		pos += len(prefix)
		row := make(Row, len(projection))
		for i, col := range projection {
			key := col + "="
			if !bytes.HasPrefix(trimmed[pos:], []byte(key)) {
				return nil, fmt.Errorf("parse rows: row %d: expected column %q at offset %d", n, col, pos)
			}
			pos += len(key)
			var end, next int
			if i+1 < len(projection) {
				sep := []byte(", " + projection[i+1] + "=")
				j := bytes.Index(trimmed[pos:], sep)
				if j < 0 {
					return nil, fmt.Errorf("parse rows: row %d: column %q missing", n, projection[i+1])
				}
				end, next = pos+j, pos+j+2
			} else {
				sep := []byte("\nRow: " + strconv.Itoa(n+1) + " " + projection[0] + "=")
				j := bytes.Index(trimmed[pos:], sep)
				if j < 0 {
					end, next = len(trimmed), len(trimmed)
				} else {
					end, next = pos+j, pos+j+1
				}
			}
			row[i] = string(trimmed[pos:end])
			pos = next
		}
		rows = append(rows, row)
	}
	return rows, nil
}
