package wbxml

// Limits bound the resources a Decoder spends on one document. A zero field
// takes the value of the same field in DefaultLimits; there is no way to ask
// for "unlimited", because every document comes from the network.
type Limits struct {
	MaxBytes     int64 // total input bytes, and separately the text expanded from string-table references
	MaxDepth     int   // element nesting depth
	MaxStringLen int   // one string (inline, table reference, opaque) and the string table
	MaxTokens    int   // tokens returned by Decoder.Token
}

// DefaultLimits suit ActiveSync responses: a Sync window of a few hundred
// items with bodies, or one contact photo or attachment fetched inline.
var DefaultLimits = Limits{
	MaxBytes:     64 << 20,
	MaxDepth:     64,
	MaxStringLen: 32 << 20,
	MaxTokens:    1 << 20,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxStringLen <= 0 {
		l.MaxStringLen = DefaultLimits.MaxStringLen
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultLimits.MaxTokens
	}
	return l
}
