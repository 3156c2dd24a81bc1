// Command bench-upload measures what many concurrent uploads of several
// megabytes cost the server in memory. It starts a whole Abilita in a
// temporary folder in this process (real bbolt file, real attachment
// archive, mail discarded), registers -n applicants, gives each a draft
// request, then has all of them upload at once, -rounds times, the three
// documents of a request (a PNG, a JPEG and a PDF of -mb MiB each) in one
// multipart POST /richieste/{id}/allegati. The bodies are streamed from
// files on disk, so the client side does not hold them either.
//
// While the uploads run the process's memory is sampled (runtime HeapInuse
// and Sys, /proc/self/status VmRSS); the report shows the baseline, the
// peaks and the values after a GC, with the throughput. At the end it checks
// that every request holds its three documents with the right size and
// SHA-256, that <data>/allegati holds exactly 3×n files, and downloads one
// request's documents back.
//
// With -naive the same load goes instead to a minimal Fiber handler that
// buffers the body and parses it with c.MultipartForm(), for comparison.
//
//	go run ./cmd/bench-upload [-n 20] [-mb 6] [-rounds 3] [-naive]
//
// It exits 1 if any upload or check failed.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/app"
	"abilita/domain"
	"abilita/notify"
	"abilita/security"
)

func main() { os.Exit(run()) }

// opzioni are the command-line flags.
type opzioni struct {
	n, mb, rounds int
	naive, keep   bool
	every         time.Duration
}

func run() int {
	var o opzioni
	flag.IntVar(&o.n, "n", 20, "concurrent clients, each uploading three files at once")
	flag.IntVar(&o.mb, "mb", 6, "size of each file in MiB")
	flag.IntVar(&o.rounds, "rounds", 3, "how many times all clients upload")
	flag.BoolVar(&o.naive, "naive", false, "upload to a minimal Fiber handler using c.MultipartForm() instead of Abilita, for comparison")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary folder (data, generated files) and print its path")
	flag.DurationVar(&o.every, "sample", 50*time.Millisecond, "memory sampling interval")
	flag.Parse()
	if o.n < 1 || o.mb < 1 || o.rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench-upload: -n, -mb and -rounds must be at least 1")
		return 2
	}
	if err := bench(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-upload:", err)
		return 1
	}
	return 0
}

// server is what the clients upload to.
type server interface {
	URL() string
	// prepara makes client i ready to upload: logged in, with a draft.
	prepara(i int, tr *http.Transport) (*cliente, error)
	// verifica checks what was stored after the last round.
	verifica(docs []documento, clienti []*cliente) (string, []string)
	stop()
}

// cliente is one browser: its own cookie jar and the place it uploads to.
type cliente struct {
	http *http.Client
	path string // where to POST
	dove string // expected redirect target
	csrf string // sent as the first part; "" for none
	id   uint64 // the request, for Abilita
}

func nuovoCliente(tr *http.Transport) *cliente {
	jar, _ := cookiejar.New(nil)
	return &cliente{http: &http.Client{
		Transport: tr, Jar: jar, Timeout: 10 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func bench(o opzioni) (err error) {
	tmp, err := os.MkdirTemp("", "bench-upload-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("temporary folder:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	size := int64(o.mb) << 20

	filesDir := filepath.Join(tmp, "files")
	if err := os.Mkdir(filesDir, 0o700); err != nil {
		return err
	}
	t := time.Now()
	docs, err := generaDocumenti(filesDir, size)
	if err != nil {
		return fmt.Errorf("generating the files: %w", err)
	}
	fmt.Printf("generated %s, %s, %s of %s each in %s\n", docs[0].Nome, docs[1].Nome, docs[2].Nome, mib(uint64(size)), time.Since(t).Round(time.Millisecond))

	var srv server
	if o.naive {
		srv, err = avviaIngenuo(filepath.Join(tmp, "naive"), size)
	} else {
		srv, err = avviaAbilita(filepath.Join(tmp, "data"), o.mb)
	}
	if err != nil {
		return err
	}
	defer srv.stop()

	tr := &http.Transport{MaxIdleConnsPerHost: o.n, DisableCompression: true}
	defer tr.CloseIdleConnections()
	t = time.Now()
	clienti := make([]*cliente, o.n)
	for i := range clienti {
		if clienti[i], err = srv.prepara(i, tr); err != nil {
			return fmt.Errorf("preparing client %d: %w", i, err)
		}
	}
	target := "Abilita, POST /richieste/{id}/allegati (streamed, checked, encrypted to disk)"
	if o.naive {
		target = "minimal Fiber handler, c.MultipartForm() + c.SaveFile (buffered, not encrypted)"
	}
	fmt.Printf("%d clients ready in %s\n", o.n, time.Since(t).Round(time.Millisecond))
	fmt.Printf("target: %s\n", target)
	fmt.Printf("load: %d clients × 3 files × %s = %s per round, %d rounds; %s, GOMAXPROCS %d, %d CPUs\n\n",
		o.n, mib(uint64(size)), mib(uint64(3*int64(o.n)*size)), o.rounds, runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU())

	falliti := 0
	var picco memoria
	var throughput []float64
	for r := 1; r <= o.rounds; r++ {
		g := giro(o, srv.URL(), clienti, docs)
		g.stampa(r)
		falliti += g.falliti
		picco = memoria{HeapInuse: max(picco.HeapInuse, g.picco.HeapInuse), Sys: max(picco.Sys, g.picco.Sys), RSS: max(picco.RSS, g.picco.RSS)}
		throughput = append(throughput, g.mibs())
	}

	sommario, problemi := srv.verifica(docs, clienti)
	fmt.Println("stored:", sommario)
	for _, p := range problemi {
		fmt.Println("  PROBLEM:", p)
	}
	fmt.Printf("\nsummary: %d uploads of %s, %d failed; throughput %s MiB/s per round; peak HeapInuse %s, Sys %s, RSS %s\n",
		o.n*o.rounds, mib(uint64(3*size)), falliti, formatta(throughput), mib(picco.HeapInuse), mib(picco.Sys), mib(picco.RSS))
	if falliti > 0 || len(problemi) > 0 {
		return fmt.Errorf("%d uploads failed, %d problems in what was stored", falliti, len(problemi))
	}
	return nil
}

// esito is the outcome of one round.
type esito struct {
	n              int
	dati           int64 // file bytes uploaded successfully
	corpo          int64 // request body bytes sent, multipart framing included
	wall           time.Duration
	durate         []time.Duration
	falliti        int
	errori         []string
	base, dopoGC   memoria
	picco          memoria
	allocati       uint64
	campioni       int
	goroutinePicco int
}

func giro(o opzioni, base string, clienti []*cliente, docs []documento) esito {
	runtime.GC()
	e := esito{n: len(clienti), base: leggiMemoria()}
	c := campiona(o.every)

	type risultato struct {
		dur   time.Duration
		corpo int64
		err   error
	}
	res := make([]risultato, len(clienti))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, cl := range clienti {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t := time.Now()
			n, err := carica(cl, base, docs)
			res[i] = risultato{time.Since(t), n, err}
		}()
	}
	t0 := time.Now()
	close(start)
	var maxG int
	fatto := make(chan struct{})
	go func() { wg.Wait(); close(fatto) }()
	for attesa := true; attesa; {
		select {
		case <-fatto:
			attesa = false
		case <-time.After(o.every):
			maxG = max(maxG, runtime.NumGoroutine())
		}
	}
	e.wall = time.Since(t0)
	e.picco, e.campioni = c.ferma()
	fine := leggiMemoria()
	e.allocati = fine.TotalAlloc - e.base.TotalAlloc
	e.goroutinePicco = maxG
	runtime.GC()
	e.dopoGC = leggiMemoria()

	for i, r := range res {
		e.durate = append(e.durate, r.dur)
		e.corpo += r.corpo
		if r.err != nil {
			e.falliti++
			if len(e.errori) < 5 {
				e.errori = append(e.errori, fmt.Sprintf("client %d: %v", i, r.err))
			}
			continue
		}
		for _, d := range docs {
			e.dati += d.Byte
		}
	}
	slices.Sort(e.durate)
	return e
}

func (e esito) mibs() float64 { return float64(e.dati) / (1 << 20) / e.wall.Seconds() }

func (e esito) stampa(r int) {
	fmt.Printf("round %d: %d uploads, %s of files (%s of request bodies) in %s = %.1f MiB/s; %d failed\n",
		r, e.n, mib(uint64(e.dati)), mib(uint64(e.corpo)), e.wall.Round(time.Millisecond), e.mibs(), e.falliti)
	fmt.Printf("  per upload: min %s, median %s, max %s; peak goroutines %d; %d memory samples\n",
		e.durate[0].Round(time.Millisecond), e.durate[len(e.durate)/2].Round(time.Millisecond), e.durate[len(e.durate)-1].Round(time.Millisecond),
		e.goroutinePicco, e.campioni)
	fmt.Printf("  %-10s %10s %10s %10s\n", "", "before", "peak", "after GC")
	fmt.Printf("  %-10s %10s %10s %10s\n", "HeapInuse", mib(e.base.HeapInuse), mib(e.picco.HeapInuse), mib(e.dopoGC.HeapInuse))
	fmt.Printf("  %-10s %10s %10s %10s\n", "Sys", mib(e.base.Sys), mib(e.picco.Sys), mib(e.dopoGC.Sys))
	fmt.Printf("  %-10s %10s %10s %10s\n", "RSS", mib(e.base.RSS), mib(e.picco.RSS), mib(e.dopoGC.RSS))
	fmt.Printf("  allocated during the round: %s (%.3f bytes per uploaded byte)\n", mib(e.allocati), float64(e.allocati)/float64(max(e.dati, 1)))
	for _, s := range e.errori {
		fmt.Println("  FAILED:", s)
	}
	fmt.Println()
}

// carica sends the three documents in one multipart request: the CSRF token
// first, as the upload form does, then the files, read from disk as the
// request is written. The multipart framing comes from multipart.Writer, so
// the Content-Length is known in advance, as a browser sends it. It returns
// the bytes of the body.
func carica(c *cliente, base string, docs []documento) (int64, error) {
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
	if c.csrf != "" {
		if err := mw.WriteField("_csrf", c.csrf); err != nil {
			return 0, err
		}
	}
	for _, d := range docs {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, d.Campo, d.Nome))
		h.Set("Content-Type", d.Tipo)
		if _, err := mw.CreatePart(h); err != nil {
			return 0, err
		}
		cornice()
		f, err := os.Open(d.Path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		parti = append(parti, f)
		totale += d.Byte
	}
	if err := mw.Close(); err != nil {
		return 0, err
	}
	cornice()

	req, err := http.NewRequest(http.MethodPost, base+c.path, io.MultiReader(parti...))
	if err != nil {
		return 0, err
	}
	req.ContentLength = totale
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.dove {
		return 0, fmt.Errorf("status %d, Location %q, want 303 to %q: %s", res.StatusCode, res.Header.Get("Location"), c.dove, estratto(body))
	}
	return totale, nil
}

var (
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reSpazi = regexp.MustCompile(`\s+`)
)

// estratto is the text of the main content of a page, short.
func estratto(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	s = strings.TrimSpace(reSpazi.ReplaceAllString(html.UnescapeString(reTag.ReplaceAllString(s, " ")), " "))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func formatta(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(s, ", ")
}

// Abilita.

// scarta is a notify.Sender that drops every message.
type scarta struct{}

func (scarta) Send(context.Context, notify.Message) error { return nil }

type abilita struct {
	app    *app.App
	url    string
	cancel context.CancelFunc
	worker chan struct{}
}

// avviaAbilita starts Abilita on a loopback port with its data in dir, the
// way internal/testapp does, with cheap password hashes and mail dropped.
func avviaAbilita(dir string, mb int) (*abilita, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	u := "http://" + ln.Addr().String()
	args := []string{"--data", dir, "--public-url", u}
	if mb > 8 {
		args = append(args, "--max-file-mb", strconv.Itoa(mb))
	}
	cfg, err := app.ParseConfig(args, func(string) string { return "" })
	if err != nil {
		ln.Close()
		return nil, err
	}
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(cfg, log, scarta{})
	if err != nil {
		ln.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &abilita{app: a, url: u, cancel: cancel, worker: make(chan struct{})}
	go func() { defer close(s.worker); a.Worker.Run(ctx) }()
	go func() { _ = a.Fiber.Listener(ln) }()
	return s, nil
}

func (s *abilita) URL() string { return s.url }

func (s *abilita) stop() {
	s.cancel()
	_ = s.app.Fiber.ShutdownWithTimeout(5 * time.Second)
	<-s.worker
	_ = s.app.Close()
}

const password = "cavallo batteria graffetta corretta"

var reBozza = regexp.MustCompile(`^/richieste/(\d+)/passo/profilo$`)

// prepara registers applicant i through the registration form, marks its
// address verified in the store (instead of following the mailed link),
// logs it in and creates its draft.
func (s *abilita) prepara(i int, tr *http.Transport) (*cliente, error) {
	c := nuovoCliente(tr)
	if _, err := s.invia(c, http.MethodGet, "/accedi", nil, http.StatusOK); err != nil {
		return nil, err
	}
	email := fmt.Sprintf("bench%04d@example.it", i)
	_, err := s.invia(c, http.MethodPost, "/registrazione", url.Values{
		"codice_fiscale": {"RSSMRA85T10A562S"}, "cognome": {"Rossi"}, "nome": {"Mario"}, "email": {email},
		"password": {password}, "conferma": {password}, "privacy": {"si"},
	}, http.StatusOK)
	if err != nil {
		return nil, err
	}
	u, err := s.app.Store.UtentePerEmail(email)
	if err != nil {
		return nil, fmt.Errorf("registration of %s: %w", email, err)
	}
	err = s.app.Store.AggiornaUtente(u.ID, func(u *domain.Utente) error { u.EmailVerificata = time.Now(); return nil })
	if err != nil {
		return nil, err
	}
	if _, err := s.invia(c, http.MethodPost, "/accedi", url.Values{"email": {email}, "password": {password}}, http.StatusSeeOther); err != nil {
		return nil, err
	}
	res, err := s.invia(c, http.MethodPost, "/richieste", url.Values{}, http.StatusSeeOther)
	if err != nil {
		return nil, err
	}
	m := reBozza.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		return nil, fmt.Errorf("new request: Location %q", res.Header.Get("Location"))
	}
	c.id, _ = strconv.ParseUint(m[1], 10, 64)
	c.path = "/richieste/" + m[1] + "/allegati"
	c.dove = "/richieste/" + m[1] + "/passo/allegati"
	c.csrf = s.cookie(c, "abilita_csrf")
	if c.csrf == "" {
		return nil, errors.New("no CSRF cookie")
	}
	return c, nil
}

func (s *abilita) cookie(c *cliente, name string) string {
	u, _ := url.Parse(s.url)
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// invia sends a request, with the CSRF token in a form, and wants status.
func (s *abilita) invia(c *cliente, method, path string, form url.Values, status int) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", s.cookie(c, "abilita_csrf"))
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != status {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, estratto(b))
	}
	return res, nil
}

// verifica checks that each request holds the three documents as uploaded,
// that the archive holds nothing else, and reads one request's documents
// back through the download route.
func (s *abilita) verifica(docs []documento, clienti []*cliente) (string, []string) {
	var problemi []string
	dir := s.app.Config.AllegatiDir()
	file, temporanei, occupati, err := contaFile(dir)
	if err != nil {
		return "", []string{err.Error()}
	}
	if want := 3 * len(clienti); file != want {
		problemi = append(problemi, fmt.Sprintf("%s holds %d files, want %d", dir, file, want))
	}
	if temporanei > 0 {
		problemi = append(problemi, fmt.Sprintf("%s holds %d temporary files", dir, temporanei))
	}
	for _, c := range clienti {
		r, err := s.app.Store.Richiesta(c.id)
		if err != nil {
			problemi = append(problemi, fmt.Sprintf("request %d: %v", c.id, err))
			continue
		}
		for _, d := range docs {
			a, ok := r.Allegati[domain.TipoAllegato(d.Campo)]
			switch {
			case !ok:
				problemi = append(problemi, fmt.Sprintf("request %d has no %s", c.id, d.Campo))
			case a.Byte != d.Byte || a.SHA256 != d.SHA256:
				problemi = append(problemi, fmt.Sprintf("request %d: %s is %d bytes, SHA-256 %s; uploaded %d bytes, %s", c.id, d.Campo, a.Byte, a.SHA256, d.Byte, d.SHA256))
			default:
				if _, err := os.Stat(filepath.Join(dir, a.ID)); err != nil {
					problemi = append(problemi, fmt.Sprintf("request %d: %s: %v", c.id, d.Campo, err))
				}
			}
		}
	}
	for _, d := range docs {
		if err := scaricaUguale(clienti[0], s.url+"/richieste/"+strconv.FormatUint(clienti[0].id, 10)+"/allegati/"+d.Campo, d); err != nil {
			problemi = append(problemi, err.Error())
		}
	}
	return fmt.Sprintf("%d encrypted files (%s) in %s, %d temporary; every request holds its 3 documents with the uploaded SHA-256 (%d problems); request %d's documents downloaded and decrypted back",
		file, mib(uint64(occupati)), dir, temporanei, len(problemi), clienti[0].id), problemi
}

// scaricaUguale downloads u and compares it with d.
func scaricaUguale(c *cliente, u string, d documento) error {
	res, err := c.http.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	h := sha256.New()
	n, err := io.Copy(h, res.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != d.Byte || sum != d.SHA256 {
		return fmt.Errorf("GET %s: %d bytes, SHA-256 %s; uploaded %d bytes, %s", u, n, sum, d.Byte, d.SHA256)
	}
	return nil
}

// contaFile counts the files in dir: those stored, the temporary ones
// (".upload-*") and the bytes of the stored ones.
func contaFile(dir string) (file, temporanei int, occupati int64, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if strings.HasPrefix(e.Name(), ".") {
			temporanei++
			continue
		}
		info, err := e.Info()
		if err != nil {
			return 0, 0, 0, err
		}
		file++
		occupati += info.Size()
	}
	return file, temporanei, occupati, nil
}

// The comparison: a handler that lets Fiber read the whole body and parse
// it with c.MultipartForm().

type ingenuo struct {
	app *fiber.App
	url string
	dir string
}

func avviaIngenuo(dir string, size int64) (*ingenuo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := fiber.New(fiber.Config{
		BodyLimit: int(3*size + 1<<20), DisableStartupMessage: true,
		ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute,
	})
	f.Post("/upload/:c", func(c *fiber.Ctx) error {
		n, err := strconv.Atoi(c.Params("c"))
		if err != nil {
			return fiber.ErrNotFound
		}
		form, err := c.MultipartForm()
		if err != nil {
			return fiber.ErrBadRequest
		}
		for campo, fhs := range form.File {
			if !slices.Contains(domain.TipiAllegato, domain.TipoAllegato(campo)) {
				continue
			}
			for _, fh := range fhs {
				if err := c.SaveFile(fh, filepath.Join(dir, fmt.Sprintf("%04d-%s", n, campo))); err != nil {
					return err
				}
			}
		}
		return c.Redirect("/ok", fiber.StatusSeeOther)
	})
	go func() { _ = f.Listener(ln) }()
	return &ingenuo{app: f, url: "http://" + ln.Addr().String(), dir: dir}, nil
}

func (s *ingenuo) URL() string { return s.url }
func (s *ingenuo) stop()       { _ = s.app.ShutdownWithTimeout(5 * time.Second) }

func (s *ingenuo) prepara(i int, tr *http.Transport) (*cliente, error) {
	c := nuovoCliente(tr)
	c.path = fmt.Sprintf("/upload/%d", i)
	c.dove = "/ok"
	return c, nil
}

func (s *ingenuo) verifica(docs []documento, clienti []*cliente) (string, []string) {
	var problemi []string
	file, _, occupati, err := contaFile(s.dir)
	if err != nil {
		return "", []string{err.Error()}
	}
	if want := 3 * len(clienti); file != want {
		problemi = append(problemi, fmt.Sprintf("%s holds %d files, want %d", s.dir, file, want))
	}
	for i := range clienti {
		for _, d := range docs {
			path := filepath.Join(s.dir, fmt.Sprintf("%04d-%s", i, d.Campo))
			n, sum, err := hashFile(path)
			if err != nil || n != d.Byte || sum != d.SHA256 {
				problemi = append(problemi, fmt.Sprintf("%s: %d bytes, %s, %v", path, n, sum, err))
			}
		}
	}
	return fmt.Sprintf("%d plain files (%s) in %s (%d problems)", file, mib(uint64(occupati)), s.dir, len(problemi)), problemi
}
