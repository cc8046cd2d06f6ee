// Package wbxml encodes and decodes WAP Binary XML 1.3 as used by Exchange
// ActiveSync, with the ActiveSync code pages 0–25 of [MS-ASWBXML].
//
// The package bridges WBXML to encoding/xml. Each code page is an XML
// namespace named after the page plus a colon ("AirSync:", "Contacts2:",
// "AirSyncBase:"), so request and response structs are tagged as for
// encoding/xml and go through Marshal and Unmarshal:
//
//	type FolderSyncRequest struct {
//		XMLName xml.Name `xml:"FolderHierarchy: FolderSync"`
//		SyncKey string   `xml:"FolderHierarchy: SyncKey"`
//	}
//
// Decoder is a streaming xml.TokenReader over WBXML, bounded by Limits;
// Encoder writes xml tokens as WBXML. ToXML and FromXML convert whole
// documents to and from XML text for debugging and tests. Tag names are
// the specification's (Calendar "Timezone", "DtStamp"); FromXML also
// accepts the spellings Debian's libwbxml prints ("TimeZone", "DTStamp").
//
// An empty element (<MiddleName/>, "clear this field" in EAS 14) is kept
// distinct from an absent one in both directions: decode it into a *string
// to see the difference.
//
// Binary data travels through encoding/xml as base64 text on an element
// marked with the attribute OpaqueAttr: use the Opaque type for binary
// fields, and Element (or any recorder that keeps attributes) to carry
// unknown content verbatim.
package wbxml
