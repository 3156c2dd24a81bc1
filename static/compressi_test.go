package static

import (
	"net/http"
	"testing"
	"time"
)

// Every text asset goes out compressed once its versions are ready, whatever
// other files were asked for meanwhile. The versions were once filed under
// the name the request asked for, which lives in Fiber's request buffer: the
// next request rewrote the key, the versions were never found again (and
// computed again on every request), and sync.Map finally panicked ("ran out
// of hash bits"), taking the server down.
func TestOgniTestoVaCompresso(t *testing.T) {
	app := newApp()
	var nomi []string
	for nome, a := range assets {
		if comprimibile(nome) && len(a.body) >= 512 {
			nomi = append(nomi, nome)
		}
	}
	if len(nomi) == 0 {
		t.Fatal("no embedded text file to compress: the test would check nothing")
	}
	scadenza := time.Now().Add(2 * time.Minute)
	for {
		var chiari []string
		for _, nome := range nomi {
			resp, _ := get(t, app, http.MethodGet, URL(nome), "Accept-Encoding", "gzip, br")
			if resp.Header.Get("Content-Encoding") != "br" {
				chiari = append(chiari, nome)
			}
		}
		if len(chiari) == 0 {
			return
		}
		if time.Now().After(scadenza) {
			t.Fatalf("after 2 minutes of requests, still sent as they are: %v", chiari)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
