package uimodel

import (
	"errors"
	"fmt"
	"testing"

	"github.com/cradle-sync/cradle/app/client"
)

func TestUnsupported(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("GET /v1/activity: %w", &client.Error{StatusCode: 404}), true},
		{&client.Error{StatusCode: 405}, true},
		{fmt.Errorf("x: %w", &client.Error{StatusCode: 501}), true},
		{client.ErrUnsupported, true},
		{&client.Error{StatusCode: 500}, false},
		{client.ErrNotRunning, false},
		{errors.New("boom"), false},
		{nil, false},
	} {
		if got := Unsupported(tt.err); got != tt.want {
			t.Errorf("Unsupported(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}
