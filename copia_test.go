package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"abilita/app"
	"abilita/attach"
	"abilita/domain"
	"abilita/notify"
	"abilita/store"
)

// nuovaInstallazione opens an installation in a new data folder.
func nuovaInstallazione(t *testing.T) (app.Config, *app.App) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := app.ParseConfig([]string{"--data", dir, "--addr", "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.NewRouter(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, a
}

// conAllegato stores a request whose front document is a new PNG.
func conAllegato(t testing.TB, a *app.App, n int) (uint64, error) {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	img.Set(n%40, n%30, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return 0, err
	}
	m, err := a.Archivio.Salva("fronte.png", "image/png", &buf)
	if err != nil {
		return 0, err
	}
	r := &domain.Richiesta{Percorso: domain.PercorsoOnline, Stato: domain.StatoBozza, Sede: "PI", Creata: time.Now(),
		Allegati: map[domain.TipoAllegato]domain.Allegato{domain.AllegatoDocumentoFronte: {ID: m.ID, Tipo: string(m.Tipo), Byte: m.Byte,
			SHA256: m.SHA256, ChiaveCifrata: m.ChiaveCifrata, NomeOriginale: "fronte.png", Caricato: time.Now()}}}
	err = a.Store.Importa(func(im *store.Importazione) error { return im.Richiesta(r) })
	return r.ID, err
}

// sostituisci replaces the front document of request id, removing the old
// file, as a replaced upload does.
func sostituisci(a *app.App, id uint64, n int) error {
	nuovo, err := conAllegato(nil, a, n)
	if err != nil {
		return err
	}
	fonte, err := a.Store.Richiesta(nuovo)
	if err != nil {
		return err
	}
	var vecchio string
	err = a.Store.Importa(func(im *store.Importazione) error {
		_, err := im.AggiornaRichiesta(id, func(r *domain.Richiesta) error {
			vecchio = r.Allegati[domain.AllegatoDocumentoFronte].ID
			r.Allegati[domain.AllegatoDocumentoFronte] = fonte.Allegati[domain.AllegatoDocumentoFronte]
			return nil
		})
		return err
	})
	if err != nil {
		return err
	}
	return a.Archivio.Elimina(vecchio)
}

// leggibili opens the restored data folder and reads every attachment
// its requests name; it returns how many.
func leggibili(t *testing.T, cfg app.Config) int {
	t.Helper()
	a, err := app.Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.NewRouter(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if problemi, err := a.Store.Controlla(); err != nil || len(problemi) > 0 {
		t.Fatalf("check of the restored data: %v, %v", problemi, err)
	}
	n := 0
	for id := uint64(1); ; id++ {
		r, err := a.Store.Richiesta(id)
		if domain.CodiceDi(err) == domain.ErrNonTrovato {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, al := range r.Allegati {
			rc, err := a.Archivio.Apri(attach.Meta{ID: al.ID, ChiaveCifrata: al.ChiaveCifrata})
			if err != nil {
				t.Fatalf("request %d: attachment %s: %v", id, al.ID, err)
			}
			if _, err := png.Decode(rc); err != nil {
				t.Fatalf("request %d: attachment %s does not decode: %v", id, al.ID, err)
			}
			rc.Close()
			n++
		}
	}
}

// TestCopiaERipristino: a copy taken with the service stopped restores
// into a new folder with every attachment readable; restores that would
// lose data or use the wrong key are refused before anything is written.
func TestCopiaERipristino(t *testing.T) {
	cfg, a := nuovaInstallazione(t)
	for i := range 5 {
		if _, err := conAllegato(t, a, i); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out bytes.Buffer
	file := filepath.Join(t.TempDir(), "copia.tar")
	if err := copia([]string{"--data", cfg.DataDir}, file, &out, log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "a servizio fermo") || !strings.Contains(out.String(), "5 allegati") {
		t.Errorf("output: %s", out.String())
	}
	if err := copia([]string{"--data", cfg.DataDir}, file, &out, log); err == nil {
		t.Error("a copy overwrote an existing file")
	}

	nuova := t.TempDir()
	args := []string{"--data", nuova, "--master-key-file", filepath.Join(nuova, "chiave-master.key")}
	// No key: refused, nothing written.
	if err := ripristina(args, file, &out); err == nil || !strings.Contains(err.Error(), "manca la chiave master") {
		t.Errorf("restore without the key: %v", err)
	}
	// Another key.
	altra, ac := nuovaInstallazione(t)
	ac.Close()
	if err := ripristina([]string{"--data", nuova, "--master-key-file", altra.MasterKeyFile}, file, &out); err == nil || !strings.Contains(err.Error(), "non è quella dei dati") {
		t.Errorf("restore with another key: %v", err)
	}
	// An archive changed after it was written.
	dati, _ := os.ReadFile(file)
	rotto := filepath.Join(t.TempDir(), "rotta.tar")
	i := bytes.Index(dati, []byte("allegati/"))
	cambiato := bytes.Clone(dati)
	cambiato[i+512+5] ^= 0xFF // in the data of the first attachment, after its header
	os.WriteFile(rotto, cambiato, 0o600)
	if err := ripristina([]string{"--data", nuova, "--master-key-file", cfg.MasterKeyFile}, rotto, &out); err == nil || !strings.Contains(err.Error(), "non corrisponde al manifesto") {
		t.Errorf("restore of a changed archive: %v", err)
	}
	if voci, _ := os.ReadDir(nuova); len(voci) != 0 {
		t.Fatalf("refused restores wrote %v", voci)
	}

	out.Reset()
	if err := ripristina([]string{"--data", nuova, "--master-key-file", cfg.MasterKeyFile}, file, &out); err != nil {
		t.Fatal(err)
	}
	ripristinata, err := app.ParseConfig([]string{"--data", nuova, "--master-key-file", cfg.MasterKeyFile}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if n := leggibili(t, ripristinata); n != 5 {
		t.Errorf("%d attachments readable after the restore, want 5", n)
	}
	if err := ripristina([]string{"--data", nuova, "--master-key-file", cfg.MasterKeyFile}, file, &out); err == nil || !strings.Contains(err.Error(), "contiene già un database") {
		t.Errorf("restore over data: %v", err)
	}
}

// TestCopiaDalServizioSottoCarico takes the copy from the running service
// through its local socket while requests and documents are written and
// replaced, then restores it: every attachment the copy names is there.
func TestCopiaDalServizioSottoCarico(t *testing.T) {
	cfg, a := nuovaInstallazione(t)
	defer a.Close()
	var ids []uint64
	for i := range 20 {
		id, err := conAllegato(t, a, i)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	ctx, cancel := context.WithCancel(context.Background())
	servito := make(chan error, 1)
	go func() { servito <- a.Serve(ctx) }()
	defer func() { cancel(); <-servito }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(cfg.SocketPath()); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no local socket")
		}
	}

	var wg sync.WaitGroup
	fermo := make(chan struct{})
	var scritti atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-fermo:
				return
			default:
			}
			var err error
			if i%2 == 0 {
				_, err = conAllegato(nil, a, 100+i)
			} else {
				err = sostituisci(a, ids[i%len(ids)], 100+i)
			}
			if err != nil {
				t.Error(err)
				return
			}
			scritti.Add(1)
		}
	}()
	for scritti.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	prima := scritti.Load()
	var out bytes.Buffer
	// Three copies one after the other, the writes going on all along.
	var file string
	var err error
	for range 3 {
		file = filepath.Join(t.TempDir(), "copia.tar")
		if err = copia([]string{"--data", cfg.DataDir}, file, &out, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			break
		}
	}
	close(fermo)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dal servizio in esecuzione") {
		t.Errorf("output: %s", out.String())
	}
	t.Logf("%d writes during the copies", scritti.Load()-prima)

	nuova := t.TempDir()
	args := []string{"--data", nuova, "--master-key-file", cfg.MasterKeyFile}
	if err := ripristina(args, file, &out); err != nil {
		t.Fatal(err)
	}
	ripristinata, _ := app.ParseConfig(args, func(string) string { return "" })
	if n := leggibili(t, ripristinata); n < 20 {
		t.Errorf("%d attachments readable, want at least the first 20", n)
	}
}
