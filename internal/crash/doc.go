// Package crash is the crash harness of issue 7: it runs the real cradle
// binary against the project's SOGo peer while a driver makes random
// creates, edits and deletes of contacts and events on both sides, kills
// the daemon with SIGKILL at random moments, restarts it, and in the end
// compares the server's items with the local ones.
//
// Items are identified by a token, the first word of their key field (FN
// for contacts, SUMMARY for events), because UIDs do not survive the trip:
// SOGo sends contacts over ActiveSync without UID and gives contacts added
// over ActiveSync a UID of its own. The rest of the key field is a version
// string unique to each write, so equal key fields mean equal versions.
//
// The non-test files hold the parts that do not need SOGo (item bodies,
// the tally of lost and duplicated items, the DAV client, the daemon
// handle); TestCrash in crash_test.go puts them together.
package crash
