// Package uimodel is the logic behind Cradle's windows, kept apart from
// Fyne so it is tested without a display or cgo: what the daemon is
// asked, how its answers are summed up in plain words, how a conflict's
// two versions compare field by field, and how the export and setup
// forms are checked.
package uimodel
