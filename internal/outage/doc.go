// Package outage holds the test that stops and restarts the shared SOGo
// peer in the middle of a Cradle session. Stopping the server breaks every
// other test using it, so the test runs only when CRADLE_OUTAGE_TEST=1 is
// set, which scripts/test.sh does in a step of its own after the parallel
// tests have finished.
package outage
