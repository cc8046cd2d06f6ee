//go:build !cgo

package main

import (
	"context"
	"errors"
)

// Fyne's drivers need cgo; a build without it can show no window, and
// says so instead of failing to build.
func run(context.Context, []string) error {
	return errors.New("this build has no windows: cradle-ui must be built with cgo (CGO_ENABLED=1); the cradle commands do the same work: cradle --help")
}
