package schema

// Contact is an ActiveSync contact item (MS-ASCNTC): the children of
// ApplicationData for the Contacts class.
//
// Fields follow the WBXML token order of code page 1 (Contacts), then code
// page 12 (Contacts2), then AirSyncBase; encoding/xml writes them in this
// order, which matches what Exchange and the reference clients send.
//
// Dates (Anniversary, Birthday) are MS-ASDTYPE dateTime strings in UTC,
// e.g. "1980-05-14T11:59:00.000Z"; only their date part is meaningful.
// Picture is base64 text limited by the server to 48 KB (ContactPictureMax).
// Alias and WeightedRank only appear in server responses (GAL, Search).
type Contact struct {
	Anniversary          *string `xml:"Contacts: Anniversary"`
	AssistantName        *string `xml:"Contacts: AssistantName"`
	AssistantPhoneNumber *string `xml:"Contacts: AssistantPhoneNumber"`
	Birthday             *string `xml:"Contacts: Birthday"`
	// LegacyBody, BodySize and BodyTruncated are the protocol 2.5 note
	// fields; 12.0 and later use Body (AirSyncBase).
	LegacyBody                *string            `xml:"Contacts: Body"`
	BodySize                  *int64             `xml:"Contacts: BodySize"`
	BodyTruncated             *Bool              `xml:"Contacts: BodyTruncated"`
	Business2PhoneNumber      *string            `xml:"Contacts: Business2PhoneNumber"`
	BusinessAddressCity       *string            `xml:"Contacts: BusinessAddressCity"`
	BusinessAddressCountry    *string            `xml:"Contacts: BusinessAddressCountry"`
	BusinessAddressPostalCode *string            `xml:"Contacts: BusinessAddressPostalCode"`
	BusinessAddressState      *string            `xml:"Contacts: BusinessAddressState"`
	BusinessAddressStreet     *string            `xml:"Contacts: BusinessAddressStreet"`
	BusinessFaxNumber         *string            `xml:"Contacts: BusinessFaxNumber"`
	BusinessPhoneNumber       *string            `xml:"Contacts: BusinessPhoneNumber"`
	CarPhoneNumber            *string            `xml:"Contacts: CarPhoneNumber"`
	Categories                *ContactCategories `xml:"Contacts: Categories"`
	Children                  *ContactChildren   `xml:"Contacts: Children"`
	CompanyName               *string            `xml:"Contacts: CompanyName"`
	Department                *string            `xml:"Contacts: Department"`
	Email1Address             *string            `xml:"Contacts: Email1Address"`
	Email2Address             *string            `xml:"Contacts: Email2Address"`
	Email3Address             *string            `xml:"Contacts: Email3Address"`
	FileAs                    *string            `xml:"Contacts: FileAs"`
	FirstName                 *string            `xml:"Contacts: FirstName"`
	Home2PhoneNumber          *string            `xml:"Contacts: Home2PhoneNumber"`
	HomeAddressCity           *string            `xml:"Contacts: HomeAddressCity"`
	HomeAddressCountry        *string            `xml:"Contacts: HomeAddressCountry"`
	HomeAddressPostalCode     *string            `xml:"Contacts: HomeAddressPostalCode"`
	HomeAddressState          *string            `xml:"Contacts: HomeAddressState"`
	HomeAddressStreet         *string            `xml:"Contacts: HomeAddressStreet"`
	HomeFaxNumber             *string            `xml:"Contacts: HomeFaxNumber"`
	HomePhoneNumber           *string            `xml:"Contacts: HomePhoneNumber"`
	JobTitle                  *string            `xml:"Contacts: JobTitle"`
	LastName                  *string            `xml:"Contacts: LastName"`
	MiddleName                *string            `xml:"Contacts: MiddleName"`
	MobilePhoneNumber         *string            `xml:"Contacts: MobilePhoneNumber"`
	OfficeLocation            *string            `xml:"Contacts: OfficeLocation"`
	OtherAddressCity          *string            `xml:"Contacts: OtherAddressCity"`
	OtherAddressCountry       *string            `xml:"Contacts: OtherAddressCountry"`
	OtherAddressPostalCode    *string            `xml:"Contacts: OtherAddressPostalCode"`
	OtherAddressState         *string            `xml:"Contacts: OtherAddressState"`
	OtherAddressStreet        *string            `xml:"Contacts: OtherAddressStreet"`
	PagerNumber               *string            `xml:"Contacts: PagerNumber"`
	RadioPhoneNumber          *string            `xml:"Contacts: RadioPhoneNumber"`
	Spouse                    *string            `xml:"Contacts: Spouse"`
	Suffix                    *string            `xml:"Contacts: Suffix"`
	Title                     *string            `xml:"Contacts: Title"`
	WebPage                   *string            `xml:"Contacts: WebPage"`
	YomiCompanyName           *string            `xml:"Contacts: YomiCompanyName"`
	YomiFirstName             *string            `xml:"Contacts: YomiFirstName"`
	YomiLastName              *string            `xml:"Contacts: YomiLastName"`
	// CompressedRTF is the protocol 2.5 RTF note.
	CompressedRTF *string `xml:"Contacts: CompressedRTF"`
	Picture       *string `xml:"Contacts: Picture"`
	Alias         *string `xml:"Contacts: Alias"`
	WeightedRank  *int    `xml:"Contacts: WeightedRank"`

	CustomerID       *string `xml:"Contacts2: CustomerId"`
	GovernmentID     *string `xml:"Contacts2: GovernmentId"`
	IMAddress        *string `xml:"Contacts2: IMAddress"`
	IMAddress2       *string `xml:"Contacts2: IMAddress2"`
	IMAddress3       *string `xml:"Contacts2: IMAddress3"`
	ManagerName      *string `xml:"Contacts2: ManagerName"`
	CompanyMainPhone *string `xml:"Contacts2: CompanyMainPhone"`
	AccountName      *string `xml:"Contacts2: AccountName"`
	NickName         *string `xml:"Contacts2: NickName"`
	MMS              *string `xml:"Contacts2: MMS"`

	Body *Body `xml:"AirSyncBase: Body"`
}

// ContactPictureMax is the largest Picture value, in bytes of base64 text,
// a server accepts (MS-ASCNTC 2.2.2.58); larger ones fail with Status 6.
const ContactPictureMax = 48 * 1024

// ContactCategories is the Categories element: a pointer to a value with
// no Category is the empty element that clears the list on EAS 14.x.
type ContactCategories struct {
	Category []string `xml:"Contacts: Category"`
}

// ContactChildren is the Children element; empty clears it on EAS 14.x.
type ContactChildren struct {
	Child []string `xml:"Contacts: Child"`
}
