package control

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
)

// statusError is a failure the handler itself diagnosed, with the status
// code to answer.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func badRequest(msg string) error { return &statusError{http.StatusBadRequest, msg} }

// errorBody is the JSON form of every failure.
type errorBody struct {
	Error string `json:"error"`
}

// statusOf maps an error to an HTTP status. The Backend contract has no
// sentinel for "no such conflict/account", so fs.ErrNotExist (the
// standard library's "not found") stands in for it.
func statusOf(err error) int {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return se.code
	case errors.Is(err, fs.ErrNotExist):
		return http.StatusNotFound
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// The status is sent; a failed write means the client left.
	_ = json.NewEncoder(w).Encode(v)
}
