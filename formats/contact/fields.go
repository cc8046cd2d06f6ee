package contact

import "github.com/cradle-sync/cradle/push/schema"

// field returns the address of a string field of c by its EAS element name.
// Keeping the names as data lets the slot tables below stay declarative.
func field(c *schema.Contact, name string) **string {
	switch name {
	case "Anniversary":
		return &c.Anniversary
	case "AssistantName":
		return &c.AssistantName
	case "AssistantPhoneNumber":
		return &c.AssistantPhoneNumber
	case "Birthday":
		return &c.Birthday
	case "Business2PhoneNumber":
		return &c.Business2PhoneNumber
	case "BusinessAddressCity":
		return &c.BusinessAddressCity
	case "BusinessAddressCountry":
		return &c.BusinessAddressCountry
	case "BusinessAddressPostalCode":
		return &c.BusinessAddressPostalCode
	case "BusinessAddressState":
		return &c.BusinessAddressState
	case "BusinessAddressStreet":
		return &c.BusinessAddressStreet
	case "BusinessFaxNumber":
		return &c.BusinessFaxNumber
	case "BusinessPhoneNumber":
		return &c.BusinessPhoneNumber
	case "CarPhoneNumber":
		return &c.CarPhoneNumber
	case "CompanyName":
		return &c.CompanyName
	case "Department":
		return &c.Department
	case "Email1Address":
		return &c.Email1Address
	case "Email2Address":
		return &c.Email2Address
	case "Email3Address":
		return &c.Email3Address
	case "FileAs":
		return &c.FileAs
	case "FirstName":
		return &c.FirstName
	case "Home2PhoneNumber":
		return &c.Home2PhoneNumber
	case "HomeAddressCity":
		return &c.HomeAddressCity
	case "HomeAddressCountry":
		return &c.HomeAddressCountry
	case "HomeAddressPostalCode":
		return &c.HomeAddressPostalCode
	case "HomeAddressState":
		return &c.HomeAddressState
	case "HomeAddressStreet":
		return &c.HomeAddressStreet
	case "HomeFaxNumber":
		return &c.HomeFaxNumber
	case "HomePhoneNumber":
		return &c.HomePhoneNumber
	case "JobTitle":
		return &c.JobTitle
	case "LastName":
		return &c.LastName
	case "MiddleName":
		return &c.MiddleName
	case "MobilePhoneNumber":
		return &c.MobilePhoneNumber
	case "OfficeLocation":
		return &c.OfficeLocation
	case "OtherAddressCity":
		return &c.OtherAddressCity
	case "OtherAddressCountry":
		return &c.OtherAddressCountry
	case "OtherAddressPostalCode":
		return &c.OtherAddressPostalCode
	case "OtherAddressState":
		return &c.OtherAddressState
	case "OtherAddressStreet":
		return &c.OtherAddressStreet
	case "PagerNumber":
		return &c.PagerNumber
	case "RadioPhoneNumber":
		return &c.RadioPhoneNumber
	case "Spouse":
		return &c.Spouse
	case "Suffix":
		return &c.Suffix
	case "Title":
		return &c.Title
	case "WebPage":
		return &c.WebPage
	case "YomiCompanyName":
		return &c.YomiCompanyName
	case "YomiFirstName":
		return &c.YomiFirstName
	case "YomiLastName":
		return &c.YomiLastName
	case "Picture":
		return &c.Picture
	case "CustomerId":
		return &c.CustomerID
	case "GovernmentId":
		return &c.GovernmentID
	case "IMAddress":
		return &c.IMAddress
	case "IMAddress2":
		return &c.IMAddress2
	case "IMAddress3":
		return &c.IMAddress3
	case "ManagerName":
		return &c.ManagerName
	case "CompanyMainPhone":
		return &c.CompanyMainPhone
	case "AccountName":
		return &c.AccountName
	case "NickName":
		return &c.NickName
	case "MMS":
		return &c.MMS
	}
	panic("contact: unknown EAS field " + name) // programming error in the tables
}

// stringFields lists every string field the mapping writes, for clearing
// and comparison.
var stringFields = []string{
	"Anniversary", "AssistantName", "AssistantPhoneNumber", "Birthday",
	"Business2PhoneNumber", "BusinessAddressCity", "BusinessAddressCountry",
	"BusinessAddressPostalCode", "BusinessAddressState", "BusinessAddressStreet",
	"BusinessFaxNumber", "BusinessPhoneNumber", "CarPhoneNumber", "CompanyName",
	"Department", "Email1Address", "Email2Address", "Email3Address", "FileAs",
	"FirstName", "Home2PhoneNumber", "HomeAddressCity", "HomeAddressCountry",
	"HomeAddressPostalCode", "HomeAddressState", "HomeAddressStreet",
	"HomeFaxNumber", "HomePhoneNumber", "JobTitle", "LastName", "MiddleName",
	"MobilePhoneNumber", "OfficeLocation", "OtherAddressCity", "OtherAddressCountry",
	"OtherAddressPostalCode", "OtherAddressState", "OtherAddressStreet",
	"PagerNumber", "RadioPhoneNumber", "Spouse", "Suffix", "Title", "WebPage",
	"YomiCompanyName", "YomiFirstName", "YomiLastName", "Picture",
	"CustomerId", "GovernmentId", "IMAddress", "IMAddress2", "IMAddress3",
	"ManagerName", "CompanyMainPhone", "AccountName", "NickName", "MMS",
}
