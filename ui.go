package main

import (
	"github.com/cradle-sync/cradle/app/cli"
	"github.com/cradle-sync/cradle/app/ui/launch"
)

// `cradle ui` starts the cradle-ui program; cradle itself links no GUI
// toolkit, so the daemon runs where there is no display or OpenGL.
func init() { cli.AddCommand(launch.Command) }
