package eastest_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/push/eastest"
	"github.com/cradle-sync/cradle/push/internal/wbxml"
)

// FuzzServeHTTP posts arbitrary bodies as each command; the server must
// answer without panicking. Seeds are the SOGo smoke requests.
func FuzzServeHTTP(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "*.req.xml"))
	for _, name := range files {
		x, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		b, err := wbxml.FromXML(x)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
	}
	cmds := []string{"Sync", "Ping", "FolderSync", "Provision", "GetItemEstimate"}
	srv := eastest.New(eastest.Config{HeartbeatUnit: time.Microsecond})
	defer srv.Close()
	f.Fuzz(func(t *testing.T, cmd uint8, body []byte) {
		for i := range cmds {
			name := cmds[(int(cmd)+i)%len(cmds)]
			r := httptest.NewRequest(http.MethodPost, eastest.Path+"?Cmd="+name+"&DeviceId=fuzz&User=u&DeviceType=t", bytes.NewReader(body))
			r.Header.Set("MS-ASProtocolVersion", "14.1")
			srv.ServeHTTP(httptest.NewRecorder(), r)
		}
	})
}
