package schema

import "encoding/xml"

// BusyStatus is how an event shows on a free/busy view (MS-ASCAL 2.2.2.8).
type BusyStatus int

// Busy status values; WorkingElsewhere exists from protocol 16.0.
const (
	BusyFree             BusyStatus = 0
	BusyTentative        BusyStatus = 1
	BusyBusy             BusyStatus = 2
	BusyOutOfOffice      BusyStatus = 3
	BusyWorkingElsewhere BusyStatus = 4
)

// Sensitivity is the privacy class shared by calendar items and tasks
// (MS-ASCAL 2.2.2.40, MS-ASTASK 2.2.2.23).
type Sensitivity int

// Sensitivity values.
const (
	SensitivityNormal       Sensitivity = 0
	SensitivityPersonal     Sensitivity = 1
	SensitivityPrivate      Sensitivity = 2
	SensitivityConfidential Sensitivity = 3
)

// MeetingStatus is a bit set (MS-ASCAL 2.2.2.29): bit 0 meeting, bit 1
// received (the user is not the organizer), bit 2 cancelled. 0 is a plain
// appointment.
type MeetingStatus int

// Meeting status values defined by MS-ASCAL.
const (
	MeetingAppointment        MeetingStatus = 0
	MeetingOrganized          MeetingStatus = 1
	MeetingReceived           MeetingStatus = 3
	MeetingCancelledOrganized MeetingStatus = 5
	MeetingCancelledReceived  MeetingStatus = 7
)

// Cancelled reports whether the cancelled bit is set.
func (m MeetingStatus) Cancelled() bool { return m&4 != 0 }

// ResponseType is the user's answer to a meeting (MS-ASCAL 2.2.2.38).
type ResponseType int

// Response types.
const (
	ResponseNone         ResponseType = 0
	ResponseOrganizer    ResponseType = 1
	ResponseTentative    ResponseType = 2
	ResponseAccepted     ResponseType = 3
	ResponseDeclined     ResponseType = 4
	ResponseNotResponded ResponseType = 5
)

// AttendeeStatus is an attendee's answer (MS-ASCAL 2.2.2.4).
type AttendeeStatus int

// Attendee statuses.
const (
	AttendeeUnknown      AttendeeStatus = 0
	AttendeeTentative    AttendeeStatus = 2
	AttendeeAccepted     AttendeeStatus = 3
	AttendeeDeclined     AttendeeStatus = 4
	AttendeeNotResponded AttendeeStatus = 5
)

// AttendeeType is an attendee's role (MS-ASCAL 2.2.2.5).
type AttendeeType int

// Attendee types.
const (
	AttendeeRequired AttendeeType = 1
	AttendeeOptional AttendeeType = 2
	AttendeeResource AttendeeType = 3
)

// RecurrenceType is the pattern of a Recurrence (MS-ASCAL 2.2.2.43).
type RecurrenceType int

// Recurrence types. There is no 4.
const (
	RecurDaily          RecurrenceType = 0
	RecurWeekly         RecurrenceType = 1
	RecurMonthly        RecurrenceType = 2 // on DayOfMonth
	RecurMonthlyNth     RecurrenceType = 3 // on the WeekOfMonth-th DayOfWeek
	RecurYearly         RecurrenceType = 5 // on DayOfMonth of MonthOfYear
	RecurYearlyNth      RecurrenceType = 6 // on the WeekOfMonth-th DayOfWeek of MonthOfYear
	recurTypeUpperBound RecurrenceType = 7
)

// Valid reports whether r is one of the defined recurrence types.
func (r RecurrenceType) Valid() bool { return r >= 0 && r < recurTypeUpperBound && r != 4 }

// DayOfWeek is the MS-ASCAL day bit mask. LastDayOfMonth (all seven bits)
// combined with WeekOfMonth 5 means "the last day of the month".
type DayOfWeek int

// Day bits.
const (
	Sunday         DayOfWeek = 1
	Monday         DayOfWeek = 2
	Tuesday        DayOfWeek = 4
	Wednesday      DayOfWeek = 8
	Thursday       DayOfWeek = 16
	Friday         DayOfWeek = 32
	Saturday       DayOfWeek = 64
	Weekdays       DayOfWeek = Monday | Tuesday | Wednesday | Thursday | Friday
	WeekendDays    DayOfWeek = Sunday | Saturday
	LastDayOfMonth DayOfWeek = 127
)

// Event is a calendar item as carried in a Sync ApplicationData
// (MS-ASCAL 2.2.2). Fields are in Calendar.xsd order; every field is
// optional and nil means the element is absent.
//
// Location exists twice: Calendar:Location is the plain string of protocol
// 14.x and earlier, AirSyncBase:Location (Place) the structured 16.x form.
// The 2.5-only Calendar:Body/BodyTruncated/Rtf elements are not modelled:
// Cradle speaks 14.0 and later, where the body is AirSyncBase:Body.
type Event struct {
	XMLName                   xml.Name         `xml:"AirSync: ApplicationData"`
	TimeZone                  *TimeZone        `xml:"Calendar: Timezone,omitempty"`
	AllDayEvent               *Bool            `xml:"Calendar: AllDayEvent,omitempty"`
	Body                      *Body            `xml:"AirSyncBase: Body,omitempty"`
	BusyStatus                *BusyStatus      `xml:"Calendar: BusyStatus,omitempty"`
	OrganizerName             *string          `xml:"Calendar: OrganizerName,omitempty"`
	OrganizerEmail            *string          `xml:"Calendar: OrganizerEmail,omitempty"`
	DtStamp                   *EventTime       `xml:"Calendar: DtStamp,omitempty"`
	EndTime                   *EventTime       `xml:"Calendar: EndTime,omitempty"`
	Location                  *string          `xml:"Calendar: Location,omitempty"`
	Place                     *Location        `xml:"AirSyncBase: Location,omitempty"`
	Reminder                  *int             `xml:"Calendar: Reminder,omitempty"`
	Sensitivity               *Sensitivity     `xml:"Calendar: Sensitivity,omitempty"`
	Subject                   *string          `xml:"Calendar: Subject,omitempty"`
	StartTime                 *EventTime       `xml:"Calendar: StartTime,omitempty"`
	UID                       *string          `xml:"Calendar: UID,omitempty"`
	MeetingStatus             *MeetingStatus   `xml:"Calendar: MeetingStatus,omitempty"`
	Attendees                 *Attendees       `xml:"Calendar: Attendees,omitempty"`
	Categories                *EventCategories `xml:"Calendar: Categories,omitempty"`
	Recurrence                *Recurrence      `xml:"Calendar: Recurrence,omitempty"`
	Exceptions                *EventExceptions `xml:"Calendar: Exceptions,omitempty"`
	ResponseRequested         *Bool            `xml:"Calendar: ResponseRequested,omitempty"`
	AppointmentReplyTime      *EventTime       `xml:"Calendar: AppointmentReplyTime,omitempty"`
	ResponseType              *ResponseType    `xml:"Calendar: ResponseType,omitempty"`
	DisallowNewTimeProposal   *Bool            `xml:"Calendar: DisallowNewTimeProposal,omitempty"`
	OnlineMeetingConfLink     *string          `xml:"Calendar: OnlineMeetingConfLink,omitempty"`
	OnlineMeetingExternalLink *string          `xml:"Calendar: OnlineMeetingExternalLink,omitempty"`
	ClientUID                 *string          `xml:"Calendar: ClientUid,omitempty"`
}

// Location is the structured AirSyncBase:Location of protocol 16.x
// (MS-ASAIRS 2.2.2.27). DisplayName is what 14.x carried as a string.
type Location struct {
	DisplayName      *string  `xml:"AirSyncBase: DisplayName,omitempty"`
	Annotation       *string  `xml:"AirSyncBase: Annotation,omitempty"`
	Street           *string  `xml:"AirSyncBase: Street,omitempty"`
	City             *string  `xml:"AirSyncBase: City,omitempty"`
	State            *string  `xml:"AirSyncBase: State,omitempty"`
	Country          *string  `xml:"AirSyncBase: Country,omitempty"`
	PostalCode       *string  `xml:"AirSyncBase: PostalCode,omitempty"`
	Latitude         *float64 `xml:"AirSyncBase: Latitude,omitempty"`
	Longitude        *float64 `xml:"AirSyncBase: Longitude,omitempty"`
	Accuracy         *float64 `xml:"AirSyncBase: Accuracy,omitempty"`
	Altitude         *float64 `xml:"AirSyncBase: Altitude,omitempty"`
	AltitudeAccuracy *float64 `xml:"AirSyncBase: AltitudeAccuracy,omitempty"`
	LocationURI      *string  `xml:"AirSyncBase: LocationUri,omitempty"`
}

// Attendees is the Calendar:Attendees container. A non-nil Attendees with
// no entries is an empty element, which on 14.x clears the list.
type Attendees struct {
	Attendee []Attendee `xml:"Calendar: Attendee"`
}

// Attendee is one meeting participant (MS-ASCAL 2.2.2.3). The proposed
// times are the 16.x counter-proposal.
type Attendee struct {
	Email             string          `xml:"Calendar: Email"`
	Name              string          `xml:"Calendar: Name"`
	AttendeeStatus    *AttendeeStatus `xml:"Calendar: AttendeeStatus,omitempty"`
	AttendeeType      *AttendeeType   `xml:"Calendar: AttendeeType,omitempty"`
	ProposedStartTime *EventTime      `xml:"MeetingResponse: ProposedStartTime,omitempty"`
	ProposedEndTime   *EventTime      `xml:"MeetingResponse: ProposedEndTime,omitempty"`
}

// EventCategories is the Calendar:Categories container.
type EventCategories struct {
	Category []string `xml:"Calendar: Category"`
}

// Recurrence is a calendar recurrence pattern (MS-ASCAL 2.2.2.39), in
// Calendar.xsd order. Until is inclusive and a UTC instant; Occurrences and
// Until are mutually exclusive, and neither means "forever".
type Recurrence struct {
	Type           RecurrenceType `xml:"Calendar: Type"`
	Occurrences    *int           `xml:"Calendar: Occurrences,omitempty"`
	Interval       *int           `xml:"Calendar: Interval,omitempty"`
	WeekOfMonth    *int           `xml:"Calendar: WeekOfMonth,omitempty"`
	DayOfWeek      *DayOfWeek     `xml:"Calendar: DayOfWeek,omitempty"`
	MonthOfYear    *int           `xml:"Calendar: MonthOfYear,omitempty"`
	Until          *EventTime     `xml:"Calendar: Until,omitempty"`
	DayOfMonth     *int           `xml:"Calendar: DayOfMonth,omitempty"`
	CalendarType   *int           `xml:"Calendar: CalendarType,omitempty"`
	IsLeapMonth    *Bool          `xml:"Calendar: IsLeapMonth,omitempty"`
	FirstDayOfWeek *int           `xml:"Calendar: FirstDayOfWeek,omitempty"`
}

// EventExceptions is the Calendar:Exceptions container.
type EventExceptions struct {
	Exception []EventException `xml:"Calendar: Exception"`
}

// EventException changes or deletes one occurrence of a recurring event
// (MS-ASCAL 2.2.2.20). On 14.x the occurrence is named by
// ExceptionStartTime, its original start in UTC; on 16.x by the
// AirSyncBase:InstanceId the server assigned. Nil fields inherit the
// master's value.
type EventException struct {
	Deleted                   *Bool            `xml:"Calendar: Deleted,omitempty"`
	ExceptionStartTime        *EventTime       `xml:"Calendar: ExceptionStartTime,omitempty"`
	Subject                   *string          `xml:"Calendar: Subject,omitempty"`
	StartTime                 *EventTime       `xml:"Calendar: StartTime,omitempty"`
	EndTime                   *EventTime       `xml:"Calendar: EndTime,omitempty"`
	Body                      *Body            `xml:"AirSyncBase: Body,omitempty"`
	Location                  *string          `xml:"Calendar: Location,omitempty"`
	Place                     *Location        `xml:"AirSyncBase: Location,omitempty"`
	Categories                *EventCategories `xml:"Calendar: Categories,omitempty"`
	Sensitivity               *Sensitivity     `xml:"Calendar: Sensitivity,omitempty"`
	BusyStatus                *BusyStatus      `xml:"Calendar: BusyStatus,omitempty"`
	AllDayEvent               *Bool            `xml:"Calendar: AllDayEvent,omitempty"`
	Reminder                  *int             `xml:"Calendar: Reminder,omitempty"`
	DtStamp                   *EventTime       `xml:"Calendar: DtStamp,omitempty"`
	MeetingStatus             *MeetingStatus   `xml:"Calendar: MeetingStatus,omitempty"`
	Attendees                 *Attendees       `xml:"Calendar: Attendees,omitempty"`
	AppointmentReplyTime      *EventTime       `xml:"Calendar: AppointmentReplyTime,omitempty"`
	ResponseType              *ResponseType    `xml:"Calendar: ResponseType,omitempty"`
	OnlineMeetingConfLink     *string          `xml:"Calendar: OnlineMeetingConfLink,omitempty"`
	OnlineMeetingExternalLink *string          `xml:"Calendar: OnlineMeetingExternalLink,omitempty"`
	InstanceID                *string          `xml:"AirSyncBase: InstanceId,omitempty"`
}
