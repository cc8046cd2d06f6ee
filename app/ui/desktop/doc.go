// Package desktop runs Cradle's windows as the cradle-ui program: it
// creates the Fyne application (GLFW, so cgo and a display are needed),
// opens one window talking to the daemon's control socket, and exits when
// the window closes. The daemon never imports it, so the GL loop runs
// only while a window is open. Without cgo the package is empty and
// cradle-ui says the build has no windows.
package desktop
