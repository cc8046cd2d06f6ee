package tray

import "github.com/cradle-sync/cradle/assets"

// platformIcon wraps the PNG in an .ico container: the Windows tray
// accepts only icon resources.
func platformIcon(png []byte) []byte {
	ico, err := assets.ICO(png)
	if err != nil {
		return nil
	}
	return ico
}
