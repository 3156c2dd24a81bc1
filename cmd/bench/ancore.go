package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"abilita/handlers"
	"abilita/security"
	"abilita/views"
)

// The anchors: what each row is compared with in the same run. The HTTP
// anchors are bare Fiber apps served by this same program in a child
// process (-ancora FILE), so that they run, like the subject, as a
// separate process sharing the two cores with the load generator. The
// fdatasync loop has no HTTP and runs in this process; raw argon2id has no
// HTTP either and runs each window in a fresh child process (-argon2 FILE).

// ancora is what an anchor process serves, written as JSON to the file
// given with -ancora. Every anchor answers GET /pronto.
type ancora struct {
	Addr string
	// Byte: a constant page of that many bytes at every other path.
	Byte int
	// Modelli: the file of the view models; GET /richieste and GET /operatore
	// render the pages' templates with them.
	Modelli string
	// Cartella: POST /upload/:n reads the whole multipart body with
	// c.MultipartForm(), up to Limite bytes, and saves the files there.
	Cartella string
	Limite   int
}

// serviAncora serves the anchor described in the file until killed.
func serviAncora(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var a ancora
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	var app *fiber.App
	switch {
	case a.Modelli != "":
		app, err = ancoraModelli(a.Modelli)
	case a.Cartella != "":
		app = ancoraIngenua(a.Cartella, a.Limite)
	default:
		app = ancoraCostante(a.Byte)
	}
	if err != nil {
		return err
	}
	return app.Listen(a.Addr)
}

// pronto answers the readiness probe of the parent.
func pronto(c *fiber.Ctx) error { return c.SendString("ok") }

// ancoraCostante serves a constant page of n bytes.
func ancoraCostante(n int) *fiber.App {
	pagina := bytes.Repeat([]byte("<p>Abilita, pagina costante di confronto.</p>\n"), n/46+1)[:n]
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/pronto", pronto)
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(pagina)
	})
	return app
}

// ancoraModelli renders the two personal pages with the server's templates
// and functions, loaded as handlers.New loads them, and the view models the
// handlers' functions build, on each request, from the data in the file.
func ancoraModelli(file string) (*fiber.App, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m modelli
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(views.Funcs())
	if err := engine.Load(); err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{Views: engine, DisableStartupMessage: true})
	app.Get("/pronto", pronto)
	mie, coda := m.MieRichieste, m.Coda
	app.Get("/richieste", func(c *fiber.Ctx) error {
		return c.Render(views.PaginaMieRichieste.Documento(), handlers.VistaMieRichieste(mie.Base, mie.Righe))
	})
	app.Get("/operatore", func(c *fiber.Ctx) error {
		return c.Render(views.PaginaCoda.Documento(), handlers.VistaCodaIniziale(coda.Base, coda.Dati, coda.Ora))
	})
	return app, nil
}

// ancoraIngenua is the upload handler DESIGN.md §5 warns against: Fiber
// reads the whole body and c.MultipartForm() parses it, then c.SaveFile
// copies each file — no check, no encryption, no fsync.
func ancoraIngenua(cartella string, limite int) *fiber.App {
	app := fiber.New(fiber.Config{BodyLimit: limite, DisableStartupMessage: true})
	app.Get("/pronto", pronto)
	app.Post("/upload/:n", func(c *fiber.Ctx) error {
		form, err := c.MultipartForm()
		if err != nil {
			return fiber.ErrBadRequest
		}
		for campo, fhs := range form.File {
			for _, fh := range fhs {
				if err := c.SaveFile(fh, filepath.Join(cartella, c.Params("n")+"-"+campo)); err != nil {
					return err
				}
			}
		}
		return c.Redirect("/ok", fiber.StatusSeeOther)
	})
	return app
}

// sincronizzazioni writes 4 KiB and calls fdatasync, again and again for d,
// single-threaded, on a new file in dir: the rate at which the disk under
// the data folder makes a write durable.
func sincronizzazioni(dir string, d time.Duration) (finestra, error) {
	f, err := os.CreateTemp(dir, "bench-fdatasync-*")
	if err != nil {
		return finestra{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	blocco := make([]byte, 4096)
	if _, err := rand.Read(blocco); err != nil {
		return finestra{}, err
	}
	var errore error
	w := chiuso(1, d, func(int) error {
		if _, err := f.Write(blocco); err != nil {
			errore = err
			return err
		}
		return syscall.Fdatasync(int(f.Fd()))
	})
	return w, errore
}

// argon2 compares the password with an argon2id hash of parameters p, on
// runtime.NumCPU() goroutines for d: what the logins of row 8 could reach
// if a login cost its password hash and nothing else. Each window runs in a
// fresh process of its own, as the server is one: in this process, whose
// heap holds the data sets, the 19 MiB that each hash allocates would
// rarely trigger a collection, while in a small process they trigger one
// every hash or two — a cost of argon2id in Go, not of Abilita.
func (b *banco) argon2(p security.Params, d time.Duration) (finestra, error) {
	b.ancore++
	file := filepath.Join(b.tmp, fmt.Sprintf("argon2-%d.json", b.ancore))
	data, err := json.Marshal(finestraArgon{Params: p, Durata: d})
	if err != nil {
		return finestra{}, err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return finestra{}, err
	}
	cmd := exec.Command(b.eseguibile, "-argon2", file)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return finestra{}, fmt.Errorf("argon2id window: %w", err)
	}
	var w finestra
	return w, json.Unmarshal(out, &w)
}

// finestraArgon is one raw argon2id window, as the child process reads it.
type finestraArgon struct {
	Params security.Params
	Durata time.Duration
}

// finestraArgon2 runs the window described in file and prints it as JSON.
func finestraArgon2(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var fa finestraArgon
	if err := json.Unmarshal(data, &fa); err != nil {
		return err
	}
	p := fa.Params
	hash, err := argon2id.CreateHash(password, &argon2id.Params{Memory: p.Memory, Iterations: p.Iterations,
		Parallelism: p.Parallelism, SaltLength: p.SaltLength, KeyLength: p.KeyLength})
	if err != nil {
		return err
	}
	w := chiuso(runtime.NumCPU(), fa.Durata, func(int) error {
		ok, err := argon2id.ComparePasswordAndHash(password, hash)
		if err == nil && !ok {
			err = fmt.Errorf("argon2id: the password does not match its hash")
		}
		return err
	})
	return json.NewEncoder(os.Stdout).Encode(w)
}
