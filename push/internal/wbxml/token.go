package wbxml

// Global tokens of WBXML 1.3 (WAP-192-WBXML section 7.1). They mean the same
// on every code page; tag tokens start at 0x05.
const (
	tokSwitchPage = 0x00
	tokEnd        = 0x01
	tokEntity     = 0x02
	tokStrI       = 0x03
	tokLiteral    = 0x04
	tokExtI0      = 0x40
	tokExtI1      = 0x41
	tokExtI2      = 0x42
	tokPI         = 0x43
	tokLiteralC   = 0x44
	tokExtT0      = 0x80
	tokExtT1      = 0x81
	tokExtT2      = 0x82
	tokStrT       = 0x83
	tokLiteralA   = 0x84
	tokExt0       = 0xC0
	tokExt1       = 0xC1
	tokExt2       = 0xC2
	tokOpaque     = 0xC3
	tokLiteralAC  = 0xC4

	tagMask         = 0x3F // tag identity within a code page
	tagHasContent   = 0x40
	tagHasAttrs     = 0x80
	firstTagToken   = 0x05
	charsetUTF8     = 0x6A // IANA MIBenum
	charsetASCII    = 0x03
	charsetUnknown  = 0x00
	version13       = 0x03
	publicIDUnknown = 0x01
)
