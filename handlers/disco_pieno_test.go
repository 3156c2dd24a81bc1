package handlers_test

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"abilita/app"
	"abilita/domain"
	"abilita/internal/testapp"
)

// discoPiccolo mounts a small tmpfs for the data folder when the test runs
// as root and may mount, and returns it with the function that fills it;
// "" when it cannot (or ABILITA_TEST_DISCO_SIMULATO is set), and then the
// store simulates the full disk.
func discoPiccolo(t *testing.T) (dir string, riempi func()) {
	t.Helper()
	if os.Geteuid() != 0 || os.Getenv("ABILITA_TEST_DISCO_SIMULATO") != "" {
		return "", nil
	}
	dir = t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("no tmpfs (%v: %s): the store simulates the full disk", err, out)
		return "", nil
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir, func() {
		f, err := os.Create(filepath.Join(dir, "riempitivo"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		blocco := make([]byte, 64<<10)
		for {
			if _, err := f.Write(blocco); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				return
			}
		}
	}
}

// TestDiscoPieno: with the disk full every action answers 503 with a page
// that says the service cannot save now, an upload gets that page rather
// than a reset connection, /readyz turns red; once there is room again the
// next write succeeds and /readyz is green.
func TestDiscoPieno(t *testing.T) {
	dir, riempi := discoPiccolo(t)
	var opzioni []func(*app.Config)
	if dir != "" {
		opzioni = append(opzioni, func(c *app.Config) { c.DataDir, c.MasterKeyFile = dir, filepath.Join(dir, "chiave-master.key") })
	}
	app := testapp.Start(t, opzioni...)
	p := mario()
	v := nuovoRichiedente(t, app, p)
	id := v.nuovaBozza()
	v.compila(id, p)
	vuole(t, v.get("/readyz"), http.StatusOK)

	if riempi != nil {
		t.Log("tmpfs of 16 MB, filled")
		riempi()
	} else {
		app.App.Store.SimulaDiscoPieno(true)
	}
	// The database file has room of its own: writes fail once it must grow.
	var r risposta
	var altro persona
	for i := range 500 {
		altro = anna()
		altro.Email = "anna" + strconv.Itoa(i) + "@example.it"
		if r = nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(altro)); r.Status != http.StatusOK {
			break
		}
	}
	controlla(t, r, http.StatusServiceUnavailable, "", []string{"non riesce a salvare i dati"}, nil)
	if _, err := app.App.Store.UtentePerEmail(altro.Email); domain.CodiceDi(err) != domain.ErrNonTrovato {
		t.Errorf("the refused registration left an account: %v", err)
	}
	// An upload, still sending when the disk refuses it, reads the page.
	grande := parte{Campo: "modulo_firmato", File: "modulo.pdf", Tipo: "application/pdf", Dati: pdfMinimo("%" + strings.Repeat("0", 4<<20) + "\n")}
	r = v.carica(id, append([]parte{grande}, fileValidi(t)...)...)
	controlla(t, r, http.StatusServiceUnavailable, "", []string{"non riesce a salvare i dati"}, nil)
	controlla(t, v.get("/readyz"), http.StatusServiceUnavailable, "", []string{"il disco rifiuta"}, nil)

	if riempi != nil {
		if err := os.Remove(filepath.Join(dir, "riempitivo")); err != nil {
			t.Fatal(err)
		}
	} else {
		app.App.Store.SimulaDiscoPieno(false)
	}
	vuole(t, nuovoVisitatore(t, app).post("/registrazione", moduloRegistrazione(altro)), http.StatusOK)
	if _, err := app.App.Store.UtentePerEmail(altro.Email); err != nil {
		t.Errorf("after the disk has room again: %v", err)
	}
	vuole(t, v.get("/readyz"), http.StatusOK)
	v.caricaValidi(id)
}
