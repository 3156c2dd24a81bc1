package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Row 10: concurrent streamed uploads of three documents each, as the
// request form sends them (POST /richieste/:id/allegati), and the server's
// peak memory while they run, against the naive handler of DESIGN.md §5.

// caricamento is one client of the uploads row: its browser, where it
// posts and where a success sends it.
type caricamento struct {
	br         *browser
	path, dove string
}

// carica sends the three documents in one multipart request: the CSRF
// token first, as the upload form does, then the files, read from disk as
// the request is written, so the client holds none of them. The framing
// comes from multipart.Writer, so the Content-Length is known in advance,
// as a browser sends it.
func (c caricamento) carica(docs []documento) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	var parti []io.Reader
	var totale int64
	cornice := func() {
		b := bytes.Clone(buf.Bytes())
		buf.Reset()
		parti = append(parti, bytes.NewReader(b))
		totale += int64(len(b))
	}
	if err := mw.WriteField("_csrf", c.br.cookie("abilita_csrf")); err != nil {
		return err
	}
	for _, d := range docs {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, d.Campo, d.Nome))
		h.Set("Content-Type", d.Tipo)
		if _, err := mw.CreatePart(h); err != nil {
			return err
		}
		cornice()
		f, err := os.Open(d.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		parti = append(parti, f)
		totale += d.Byte
	}
	if err := mw.Close(); err != nil {
		return err
	}
	cornice()
	req, err := http.NewRequest(http.MethodPost, c.br.base+c.path, io.MultiReader(parti...))
	if err != nil {
		return err
	}
	req.ContentLength = totale
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.br.http.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.dove {
		return fmt.Errorf("status %d, Location %q, want 303 to %q: %s", res.StatusCode, res.Header.Get("Location"), c.dove, estratto(body))
	}
	return nil
}

// giro has every client upload at once, samples the VmRSS of p meanwhile
// and returns the peak in MB, with the failures.
func giro(p *processo, clienti []caricamento, docs []documento) (picco float64, d time.Duration, falliti int, primo error) {
	s := campionaRSS(p, 5*time.Millisecond)
	errori := make([]error, len(clienti))
	var wg sync.WaitGroup
	t := time.Now()
	for i, c := range clienti {
		wg.Add(1)
		go func() { defer wg.Done(); errori[i] = c.carica(docs) }()
	}
	wg.Wait()
	d = time.Since(t)
	picco = float64(s.ferma()) / 1e6
	for _, err := range errori {
		if err != nil {
			if falliti++; primo == nil {
				primo = err
			}
		}
	}
	return picco, d, falliti, primo
}

// rigaCaricamenti is row 10.
func rigaCaricamenti(b *banco) error {
	g := b.dati[piccolo]
	size := int64(b.p.MB) << 20
	cartelle := map[string]string{"documenti": filepath.Join(b.tmp, "documenti"), "ingenuo": filepath.Join(b.tmp, "ingenuo")}
	for _, c := range cartelle {
		if err := os.MkdirAll(c, 0o700); err != nil {
			return err
		}
	}
	docs, err := generaDocumenti(cartelle["documenti"], size)
	if err != nil {
		return fmt.Errorf("generating the documents: %w", err)
	}
	anc, err := b.ancora(ancora{Cartella: cartelle["ingenuo"], Limite: int(3*size + 1<<20)})
	if err != nil {
		return err
	}
	defer anc.ferma()
	// The applicants log in first; then the server restarts, so that its
	// peak memory (VmHWM) is that of the uploads alone: sessions outlive
	// the process.
	srv, err := b.serverDi(piccolo)
	if err != nil {
		return err
	}
	var accessi []*browser
	for _, c := range g.Caricatori {
		br := nuovoBrowser(srv.URL, trasporto(1, nil))
		if err := br.accedi(c.account, ""); err != nil {
			return err
		}
		accessi = append(accessi, br)
	}
	if srv, err = b.riavvia(piccolo); err != nil {
		return err
	}
	var sog, ing []caricamento
	for i, c := range g.Caricatori {
		id := fmt.Sprint(c.Bozza)
		sog = append(sog, caricamento{br: accessi[i].conCookie(srv.URL), path: "/richieste/" + id + "/allegati", dove: "/richieste/" + id + "/passo/allegati"})
		ing = append(ing, caricamento{br: nuovoBrowser(anc.URL, trasporto(1, nil)), path: fmt.Sprintf("/upload/%d", i), dove: "/ok"})
	}
	var picchiS, picchiA []float64
	falliti := 0
	for i := range b.p.Giri {
		for _, x := range []struct {
			chi     string
			p       *processo
			clienti []caricamento
			out     *[]float64
		}{{"anchor", anc, ing, &picchiA}, {"subject", srv, sog, &picchiS}} {
			picco, d, f, primo := giro(x.p, x.clienti, docs)
			avanza("    10 %-7s %d/%d: peak VmRSS %.1f MB, %d uploads in %s, %d failed %v", x.chi, i+1, b.p.Giri, picco, len(x.clienti), durata(d), f, primo)
			*x.out = append(*x.out, picco)
			if x.chi == "subject" {
				falliti += f
			}
		}
	}
	_, hwm, err := srv.memoria()
	if err != nil {
		return err
	}
	problemi := verificaCaricamenti(g, sog[0], docs)
	for _, p := range problemi {
		avanza("  PROBLEM: %s", p)
	}
	sogMax := slices.Max(picchiS)
	ancMed, _, _ := mediana(picchiA)
	sogMed, _, _ := mediana(picchiS)
	b.aggiungi(riga{Numero: "10", Misura: fmt.Sprintf("%d clients × 3 files of %d MiB at once, streamed `POST /richieste/:id/allegati`: peak RSS of the server (VmRSS every 5 ms; VmHWM)", len(sog), b.p.MB),
		Soggetto: cellaValori(picchiS, "MB") + fmt.Sprintf("; VmHWM %s; %d failed; stored files checked: %d problems", dimensione(hwm), falliti, len(problemi)),
		Ancora:   "`c.MultipartForm()` handler, bare Fiber: " + cellaValori(picchiA, "MB"), Rapporto: rapporto(sogMed / ancMed),
		Obiettivo: "< 100 MB", Esito: esitoDi(sogMax < 100 && float64(hwm)/1e6 < 100 && falliti == 0 && len(problemi) == 0)})
	return nil
}

// verificaCaricamenti checks what the uploads left: three encrypted files
// per client in the attachments folder, no temporary file, and the first
// client's documents read back, decrypted: the PDF equal to the one sent,
// the images encoded again with the same type and size.
func verificaCaricamenti(g *generato, c caricamento, docs []documento) []string {
	var problemi []string
	dir := filepath.Join(g.Dir, "allegati")
	voci, err := os.ReadDir(dir)
	if err != nil {
		return []string{err.Error()}
	}
	file, temporanei := 0, 0
	for _, v := range voci {
		switch {
		case !v.Type().IsRegular():
		case strings.HasPrefix(v.Name(), "."):
			temporanei++
		default:
			file++
		}
	}
	if want := 3 * len(g.Caricatori); file != want || temporanei > 0 {
		problemi = append(problemi, fmt.Sprintf("%s holds %d files and %d temporary ones, want %d and none", dir, file, temporanei, want))
	}
	base := strings.TrimSuffix(c.path, "/allegati")
	for _, d := range docs {
		if err := scaricaUguale(c.br, base+"/allegati/"+d.Campo, d); err != nil {
			problemi = append(problemi, err.Error())
		}
	}
	return problemi
}

// scaricaUguale downloads path and compares it with d: a PDF byte for
// byte, an image (stored as encoded again) by its type and size.
func scaricaUguale(br *browser, path string, d documento) error {
	res, err := br.http.Get(br.base + path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	if d.Tipo != "application/pdf" {
		got, formato, err := image.DecodeConfig(res.Body)
		if err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		f, err := os.Open(d.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		sent, _, err := image.DecodeConfig(f)
		if err != nil {
			return err
		}
		if "image/"+formato != d.Tipo || got.Width != sent.Width || got.Height != sent.Height {
			return fmt.Errorf("GET %s: %s %dx%d; uploaded %s %dx%d", path, formato, got.Width, got.Height, d.Tipo, sent.Width, sent.Height)
		}
		return nil
	}
	h := sha256.New()
	n, err := io.Copy(h, res.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != d.Byte || sum != d.SHA256 {
		return fmt.Errorf("GET %s: %d bytes, SHA-256 %s; uploaded %d bytes, %s", path, n, sum, d.Byte, d.SHA256)
	}
	return nil
}
