package schema

import (
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
)

// TestContactTags checks every field's tag against the MS-ASWBXML code
// pages: the right namespace, and within each page the token order.
func TestContactTags(t *testing.T) {
	page1 := []string{"Anniversary", "AssistantName", "AssistantPhoneNumber", "Birthday", "Body", "BodySize",
		"BodyTruncated", "Business2PhoneNumber", "BusinessAddressCity", "BusinessAddressCountry",
		"BusinessAddressPostalCode", "BusinessAddressState", "BusinessAddressStreet", "BusinessFaxNumber",
		"BusinessPhoneNumber", "CarPhoneNumber", "Categories", "Children", "CompanyName",
		"Department", "Email1Address", "Email2Address", "Email3Address", "FileAs", "FirstName", "Home2PhoneNumber",
		"HomeAddressCity", "HomeAddressCountry", "HomeAddressPostalCode", "HomeAddressState", "HomeAddressStreet",
		"HomeFaxNumber", "HomePhoneNumber", "JobTitle", "LastName", "MiddleName", "MobilePhoneNumber",
		"OfficeLocation", "OtherAddressCity", "OtherAddressCountry", "OtherAddressPostalCode", "OtherAddressState",
		"OtherAddressStreet", "PagerNumber", "RadioPhoneNumber", "Spouse", "Suffix", "Title", "WebPage",
		"YomiCompanyName", "YomiFirstName", "YomiLastName", "CompressedRTF", "Picture", "Alias", "WeightedRank"}
	page12 := []string{"CustomerId", "GovernmentId", "IMAddress", "IMAddress2", "IMAddress3", "ManagerName",
		"CompanyMainPhone", "AccountName", "NickName", "MMS"}
	var want []string
	for _, n := range page1 {
		want = append(want, "Contacts: "+n)
	}
	for _, n := range page12 {
		want = append(want, "Contacts2: "+n)
	}
	want = append(want, "AirSyncBase: Body")
	typ := reflect.TypeOf(Contact{})
	var got []string
	for i := 0; i < typ.NumField(); i++ {
		got = append(got, typ.Field(i).Tag.Get("xml"))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tags differ:\n got %q\nwant %q", got, want)
	}
}

func TestContactXML(t *testing.T) {
	empty := ""
	c := Contact{
		FirstName:  contactTestStr("Ada"),
		JobTitle:   &empty, // 14.x clear
		Categories: &ContactCategories{Category: []string{"VIP", "Friends"}},
		Children:   &ContactChildren{},
		NickName:   contactTestStr("Countess"),
		Body:       &Body{Type: BodyPlain, Data: contactTestStr("note")},
	}
	out, err := xml.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		`<FirstName xmlns="Contacts:">Ada</FirstName>`,
		`<JobTitle xmlns="Contacts:"></JobTitle>`,
		`<Categories xmlns="Contacts:"><Category xmlns="Contacts:">VIP</Category><Category xmlns="Contacts:">Friends</Category></Categories>`,
		`<Children xmlns="Contacts:"></Children>`,
		`<NickName xmlns="Contacts2:">Countess</NickName>`,
		`<Body xmlns="AirSyncBase:"><Type xmlns="AirSyncBase:">1</Type><Data xmlns="AirSyncBase:">note</Data></Body>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("marshal lacks %s\n%s", want, s)
		}
	}
	if strings.Contains(s, "LastName") {
		t.Error("nil field was written")
	}
	if strings.Index(s, "Categories") > strings.Index(s, "FirstName") || strings.Index(s, "NickName") < strings.Index(s, "JobTitle") {
		t.Error("elements out of schema order")
	}
}

// TestContactUnmarshalServerItem decodes ApplicationData as SOGo sends it
// (prefixed namespaces, empty elements) and as Exchange sends a birthday.
func TestContactUnmarshalServerItem(t *testing.T) {
	const data = `<ApplicationData xmlns="AirSync:" xmlns:contacts="Contacts:" xmlns:contacts2="Contacts2:" xmlns:airsyncbase="AirSyncBase:">
<contacts:FileAs>Lovelace, Ada</contacts:FileAs><contacts:FirstName>Ada</contacts:FirstName>
<contacts:MiddleName/><contacts:Birthday>1815-12-10T11:59:00.000Z</contacts:Birthday>
<contacts:Categories><contacts:Category>VIP</contacts:Category></contacts:Categories>
<contacts2:IMAddress>ada@example.test</contacts2:IMAddress><contacts:Unknown>x</contacts:Unknown>
<airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:EstimatedDataSize>4</airsyncbase:EstimatedDataSize><airsyncbase:Truncated>0</airsyncbase:Truncated><airsyncbase:Data>note</airsyncbase:Data></airsyncbase:Body>
<contacts:WeightedRank>3</contacts:WeightedRank>
</ApplicationData>`
	var c Contact
	if err := xml.Unmarshal([]byte(data), &c); err != nil {
		t.Fatal(err)
	}
	if contactTestDeref(c.FileAs) != "Lovelace, Ada" || contactTestDeref(c.FirstName) != "Ada" || c.MiddleName == nil || *c.MiddleName != "" {
		t.Errorf("names: %v %v %v", c.FileAs, c.FirstName, c.MiddleName)
	}
	if contactTestDeref(c.Birthday) != "1815-12-10T11:59:00.000Z" || contactTestDeref(c.IMAddress) != "ada@example.test" {
		t.Errorf("birthday %v im %v", c.Birthday, c.IMAddress)
	}
	if c.Categories == nil || len(c.Categories.Category) != 1 || c.WeightedRank == nil || *c.WeightedRank != 3 {
		t.Errorf("categories %+v rank %v", c.Categories, c.WeightedRank)
	}
	if c.Body == nil || c.Body.Type != BodyPlain || contactTestDeref(c.Body.Data) != "note" || c.Body.Truncated == nil || bool(*c.Body.Truncated) {
		t.Errorf("body %+v", c.Body)
	}
}

func contactTestStr(s string) *string { return &s }

func contactTestDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
