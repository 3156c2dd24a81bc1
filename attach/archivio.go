// Package attach stores the identity documents users upload: each file is
// checked (type, size, image dimensions, scripts in PDFs), hashed and
// encrypted with its own data key while it streams to disk under a random
// name, and never held whole in memory.
package attach

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"abilita/internal/disco"
	"abilita/security"
)

// ErrIDNonValido is returned for a document ID that NewArchivio could not
// have generated; it is never joined to a path.
var ErrIDNonValido = errors.New("attach: invalid document id")

// Limiti bound what an upload may be.
type Limiti struct {
	MaxBytes int64 // file size
	MaxLato  int   // width and height of an image, in pixels
	MaxPixel int64 // width × height of an image
}

// DefaultLimiti returns 8 MiB, 10000 pixels a side and 40 megapixels: more
// than a phone photo or a scanned page needs, and small enough that
// decoding an accepted image (4 bytes a pixel) never takes more than 160 MB
// wherever it is later shown.
func DefaultLimiti() Limiti {
	return Limiti{MaxBytes: 8 << 20, MaxLato: 10000, MaxPixel: 40_000_000}
}

// Meta describes a stored document. The caller keeps it, ChiaveCifrata
// above all: without it the file cannot be decrypted, so deleting Meta
// erases the document even where the file survives (in a backup, say).
type Meta struct {
	ID            string // random, 32 hex digits; also the file name
	Tipo          Tipo
	NomeOriginale string // as the user named it, sanitised, for display only
	Byte          int64  // size of the plaintext
	SHA256        string // hex digest of the plaintext
	ChiaveCifrata []byte // data key wrapped by the master key
	Width, Height int    // pixels, for images
}

// Archivio is a directory of encrypted documents. It is safe for concurrent
// use.
type Archivio struct {
	dir  string
	keys *security.Keyring
	lim  Limiti

	// While a copy is being taken, removals wait in rinviate, so that every
	// file the copied database names is there to be copied.
	mu       sync.Mutex
	copie    int
	rinviate []string
}

// NewArchivio returns an Archivio storing files in dir, which it creates
// with mode 0700 if missing.
func NewArchivio(dir string, keys *security.Keyring, lim Limiti) (*Archivio, error) {
	if keys == nil {
		return nil, errors.New("attach: no keyring")
	}
	if lim.MaxBytes <= 0 || lim.MaxLato <= 0 || lim.MaxPixel <= 0 {
		return nil, fmt.Errorf("attach: invalid limits %+v", lim)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return &Archivio{dir: dir, keys: keys, lim: lim}, nil
}

// peekSize is the read buffer, enough to see the magic bytes; reads larger
// than the buffer bypass it.
const peekSize = 512

// Salva checks and stores one uploaded file, read from r, under a new random
// ID. nomeFile and contentType are what the browser declared. It reads at
// most Limiti.MaxBytes+1 bytes of r, so an oversized part is refused without
// reading the rest; the caller drains or drops the connection.
//
// A file refused for what it is yields a *Rifiuto; any other error is
// internal. Either way nothing is left on disk: the encrypted file is
// written under a temporary name and renamed into place only once every
// check has passed.
func (a *Archivio) Salva(nomeFile, contentType string, r io.Reader) (Meta, error) {
	nome := nomeVisibile(nomeFile)
	tipo, err := tipoAtteso(nome, contentType)
	if err != nil {
		return Meta{}, err
	}
	in := bufio.NewReaderSize(io.LimitReader(r, a.lim.MaxBytes+1), peekSize)
	head, err := in.Peek(len(pngMagic))
	if len(head) == 0 {
		if errors.Is(err, io.EOF) {
			return Meta{}, rifiutoVuoto(nome)
		}
		return Meta{}, err
	}
	switch sniff(head) {
	case tipo:
	case "":
		return Meta{}, rifiutoNonAmmesso(nome)
	default:
		return Meta{}, rifiutoEstensione
	}

	m := Meta{ID: newID(), Tipo: tipo, NomeOriginale: nome}
	if err := a.scrivi(&m, in); err != nil {
		return Meta{}, err
	}
	return m, nil
}

// scrivi checks, hashes and encrypts the content of in to a temporary file,
// then renames it to its ID. It fills in the rest of m.
func (a *Archivio) scrivi(m *Meta, in io.Reader) (err error) {
	dek, wrapped, err := a.keys.NewDataKey()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(a.dir, ".upload-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	enc, err := security.NewEncryptWriter(tmp, dek)
	if err != nil {
		return err
	}

	sum := sha256.New()
	var size countingWriter
	sinks := []io.Writer{&size, sum, enc}
	var pdf *pdfScanner
	if m.Tipo == TipoPDF {
		pdf = newPDFScanner()
		defer pdf.close()
		// First, so that nothing after a refused byte is written.
		sinks = append([]io.Writer{pdf}, sinks...)
	}
	w := &firstError{w: io.MultiWriter(sinks...)}
	letti := &lettoreContato{r: in}
	src := &firstError{r: letti}

	if pdf == nil {
		// An image is stored as encoded again, never as sent.
		err = a.ricodificaImmagine(m, src, w)
	} else {
		_, err = io.Copy(w, src)
	}
	if letti.n > a.lim.MaxBytes {
		return rifiutoTroppoGrande(a.lim.MaxBytes) // whatever the decoder made of a cut file
	}
	if err != nil {
		return err
	}
	if pdf != nil {
		if r := pdf.close(); r != nil {
			return r
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := a.conserva(tmp, m.ID); err != nil {
		return err
	}
	m.Byte, m.SHA256, m.ChiaveCifrata = size.n, hex.EncodeToString(sum.Sum(nil)), wrapped
	return nil
}

// conserva makes the complete temporary file durable under the name id.
func (a *Archivio) conserva(tmp *os.File, id string) error {
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	final := filepath.Join(a.dir, id)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return err
	}
	if err := disco.SincronizzaCartella(a.dir); err != nil {
		os.Remove(final)
		return err
	}
	return nil
}

// ricodificaImmagine reads the image header from src, checks its
// dimensions against the limits, then decodes the image and writes it,
// encoded again, to dst. Errors of src and dst (a dropped connection, a
// full disk) are not the image's fault and are returned as they are.
func (a *Archivio) ricodificaImmagine(m *Meta, src, dst *firstError) error {
	var testa bytes.Buffer
	cfg, err := dimensioni(m.Tipo, io.TeeReader(src, &testa))
	switch {
	case src.err != nil:
		return src.err
	case err != nil:
		return rifiutoImmagineRotta
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return rifiutoImmagineRotta
	}
	if w > int64(a.lim.MaxLato) || h > int64(a.lim.MaxLato) || w*h > a.lim.MaxPixel {
		return rifiutoImmagineGrande(a.lim)
	}
	err = ricodifica(m.Tipo, cfg, testa.Bytes(), src, dst)
	switch {
	case src.err != nil:
		return src.err
	case dst.err != nil:
		return dst.err
	case err != nil:
		return err
	}
	m.Width, m.Height = cfg.Width, cfg.Height
	if o := orientamentoEXIF(testa.Bytes()); m.Tipo == TipoJPEG && o >= 5 {
		m.Width, m.Height = cfg.Height, cfg.Width
	}
	return nil
}

// Apri returns the decrypted content of the document m describes. The
// reader fails if the file was altered or does not belong to m. A missing
// file gives an error wrapping fs.ErrNotExist.
func (a *Archivio) Apri(m Meta) (io.ReadCloser, error) {
	path, err := a.percorso(m.ID)
	if err != nil {
		return nil, err
	}
	dek, err := a.keys.UnwrapDataKey(m.ChiaveCifrata)
	if err != nil {
		return nil, fmt.Errorf("attach: document %s: %w", m.ID, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := security.NewDecryptReader(f, dek)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("attach: document %s: %w", m.ID, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}

// Elimina removes the file of document id. Removing a document that is
// already gone is not an error, so that a retried deletion succeeds.
func (a *Archivio) Elimina(id string) error {
	path, err := a.percorso(id)
	if err != nil {
		return err
	}
	a.mu.Lock()
	if a.copie > 0 {
		a.rinviate = append(a.rinviate, id)
		a.mu.Unlock()
		return nil
	}
	a.mu.Unlock()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return disco.SincronizzaCartella(a.dir)
}

// Dir is the folder of the encrypted files.
func (a *Archivio) Dir() string { return a.dir }

// SospendiEliminazioni holds back removals until the function it returns is
// called: a copy of the database and of the files, taken meanwhile, finds
// every file the database names. The removals asked meanwhile happen then.
func (a *Archivio) SospendiEliminazioni() func() {
	a.mu.Lock()
	a.copie++
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		a.copie--
		var ids []string
		if a.copie == 0 {
			ids, a.rinviate = a.rinviate, nil
		}
		a.mu.Unlock()
		for _, id := range ids {
			_ = a.Elimina(id) // a file left behind is an orphan, removed at start
		}
	}
}

// percorso returns the file of document id, after checking that id is one
// newID could have made, so that it cannot reach outside the directory.
func (a *Archivio) percorso(id string) (string, error) {
	if len(id) != 2*idBytes {
		return "", ErrIDNonValido
	}
	for _, c := range []byte(id) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", ErrIDNonValido
		}
	}
	return filepath.Join(a.dir, id), nil
}

const idBytes = 16

func newID() string {
	b := make([]byte, idBytes)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type lettoreContato struct {
	r io.Reader
	n int64
}

func (c *lettoreContato) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// firstError wraps a reader or a writer and remembers its first error, so
// that an I/O failure is not mistaken for a bad file.
type firstError struct {
	r   io.Reader
	w   io.Writer
	err error
}

func (f *firstError) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF && f.err == nil {
		f.err = err
	}
	return n, err
}

func (f *firstError) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return n, err
}

// Orfani removes the files older than prima that no request names
// (nominati says which ids one does), and the temporary files of uploads
// older than prima: what a kill or a stop during an upload leaves. prima
// must be older than the longest upload, so that a file whose request is
// still being written is never taken for an orphan. It says how many files
// of each kind it removed.
func (a *Archivio) Orfani(prima time.Time, nominati func(ids []string) (map[string]bool, error)) (file, temporanei int, err error) {
	voci, err := os.ReadDir(a.dir)
	if err != nil {
		return 0, 0, err
	}
	var candidati []string
	for _, v := range voci {
		info, err := v.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(prima) {
			continue
		}
		switch {
		case strings.HasPrefix(v.Name(), ".upload-"):
			if os.Remove(filepath.Join(a.dir, v.Name())) == nil {
				temporanei++
			}
		case len(v.Name()) == 2*idBytes:
			if _, err := a.percorso(v.Name()); err == nil {
				candidati = append(candidati, v.Name())
			}
		}
	}
	for len(candidati) > 0 {
		lotto := candidati[:min(len(candidati), 1000)]
		candidati = candidati[len(lotto):]
		noti, err := nominati(lotto)
		if err != nil {
			return file, temporanei, err
		}
		for _, id := range lotto {
			if !noti[id] && a.Elimina(id) == nil {
				file++
			}
		}
	}
	return file, temporanei, disco.SincronizzaCartella(a.dir)
}

// Copia stores the content of document m again, under a new ID and a new
// data key: a request filed again from a rejected one gets its own copy of
// each file, sealed for it, and deleting either never touches the other.
// The content was checked when it was first stored and is not checked
// again; the copy must read back to m's digest, or it is refused.
func (a *Archivio) Copia(m Meta) (Meta, error) {
	src, err := a.Apri(m)
	if err != nil {
		return Meta{}, err
	}
	defer src.Close()
	dek, wrapped, err := a.keys.NewDataKey()
	if err != nil {
		return Meta{}, err
	}
	tmp, err := os.CreateTemp(a.dir, ".copia-*")
	if err != nil {
		return Meta{}, err
	}
	fallita := func(err error) (Meta, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return Meta{}, err
	}
	enc, err := security.NewEncryptWriter(tmp, dek)
	if err != nil {
		return fallita(err)
	}
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(sum, enc), src)
	if err != nil {
		return fallita(err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != m.SHA256 || n != m.Byte {
		return fallita(fmt.Errorf("attach: document %s reads %d bytes with digest %s, not its own", m.ID, n, got))
	}
	if err := enc.Close(); err != nil {
		return fallita(err)
	}
	copia := m
	copia.ID, copia.ChiaveCifrata = newID(), wrapped
	if err := a.conserva(tmp, copia.ID); err != nil {
		os.Remove(tmp.Name())
		return Meta{}, err
	}
	return copia, nil
}
