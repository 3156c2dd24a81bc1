package handlers

import (
	"errors"
	"io"
	"maps"
	"mime/multipart"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/attach"
	"abilita/domain"
	"abilita/views"
)

// errCorpoTroppoGrande is returned by limitedReader past the upload limit.
var errCorpoTroppoGrande = errors.New("request body too large")

// limitedReader fails, rather than stopping quietly, once more than n bytes
// were read: a truncated multipart stream must not look like a complete one.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errCorpoTroppoGrande
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errCorpoTroppoGrande
	}
	return n, err
}

// corpoMultipart is a streamed multipart body, capped at the upload limit.
type corpoMultipart struct {
	parti  *multipart.Reader
	limite *limitedReader
}

// corpoMultipart opens the request's body as a stream of parts, refusing
// bodies that are not multipart or that announce more than the limit.
func (h *Handlers) corpoMultipart(c *fiber.Ctx) (corpoMultipart, error) {
	boundary := string(c.Request().Header.MultipartFormBoundary())
	body := c.Context().RequestBodyStream()
	if boundary == "" || body == nil {
		return corpoMultipart{}, fiber.ErrUnsupportedMediaType
	}
	if int64(c.Request().Header.ContentLength()) > h.cfg.UploadLimit {
		return corpoMultipart{}, troppoGrande(c)
	}
	limite := &limitedReader{r: body, n: h.cfg.UploadLimit}
	return corpoMultipart{parti: multipart.NewReader(limite, boundary), limite: limite}, nil
}

// finisci reads what follows the last part, or the next request on this
// keep-alive connection would start in the middle of it.
func (b corpoMultipart) finisci() error {
	_, err := io.Copy(io.Discard, b.limite)
	return err
}

// caricaAllegati receives the attachments of a draft. The body is streamed:
// the CSRF token comes first (a header or the first part), then each file is
// sniffed, checked, hashed and encrypted to disk as it arrives, never whole
// in memory. If any file is refused, none of this upload is kept.
func (h *Handlers) caricaAllegati(c *fiber.Ctx) error {
	r, err := h.richiestaPer(c, domain.OpCompila)
	if err != nil {
		return err
	}
	corpo, err := h.corpoMultipart(c)
	if err != nil {
		return err
	}
	nuovi, errori, err := h.leggiAllegati(c, corpo.parti)
	if err == nil {
		err = corpo.finisci()
	}
	if err != nil || len(errori) > 0 {
		h.eliminaFile(slices.Collect(maps.Values(nuovi))...)
		if errors.Is(err, errCorpoTroppoGrande) {
			return troppoGrande(c)
		}
		if err != nil {
			return err
		}
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPasso, h.passoVM(c, r, domain.PassoAllegati, errori))
	}
	if len(nuovi) == 0 {
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaPasso, h.passoVM(c, r, domain.PassoAllegati, domain.Errori{"documento_fronte": "Scegli almeno un file da caricare."}))
	}
	sostituiti, err := h.Store.AllegaDocumenti(h.atto(c), r.ID, nuovi)
	if err != nil {
		h.eliminaFile(slices.Collect(maps.Values(nuovi))...)
		return err
	}
	h.eliminaFile(sostituiti...)
	return h.avviso(c, urlPasso(r.ID, domain.PassoAllegati), "File caricati.")
}

// leggiAllegati reads the attachments of the stream, each file stored as
// it arrives.
func (h *Handlers) leggiAllegati(c *fiber.Ctx, mr *multipart.Reader) (map[domain.TipoAllegato]domain.Allegato, domain.Errori, error) {
	nuovi := map[domain.TipoAllegato]domain.Allegato{}
	errori := domain.Errori{}
	err := h.leggiParti(c, mr, func(part *multipart.Part) error {
		tipo := domain.TipoAllegato(part.FormName())
		if !slices.Contains(domain.TipiAllegato, tipo) || part.FileName() == "" {
			return nil
		}
		a, rifiuto, err := h.salvaFile(part, part)
		switch {
		case err != nil:
			return err
		case rifiuto != "":
			errori.Add(string(tipo), rifiuto)
		default:
			if old, ok := nuovi[tipo]; ok {
				h.eliminaFile(old)
			}
			nuovi[tipo] = a
		}
		return nil
	})
	return nuovi, errori, err
}

// leggiParti reads a streamed multipart body part by part: the CSRF token
// first (unless the middleware had it as a header), then each other part
// handed to fn, which reads what it needs of it; the rest of the part is
// discarded. The two upload forms (attachments, answer) read their bodies
// with it.
func (h *Handlers) leggiParti(c *fiber.Ctx, mr *multipart.Reader, fn func(*multipart.Part) error) error {
	csrfOK := c.Get(csrfHeader) != "" // the middleware checked the header
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errors.Join(fiber.ErrBadRequest, err)
		}
		if !csrfOK {
			token, _ := io.ReadAll(io.LimitReader(part, 256))
			if part.FormName() != csrfCampo {
				token = nil
			}
			if err := h.verificaCSRF(c, string(token)); err != nil {
				return err
			}
			csrfOK = true
			continue
		}
		if err := fn(part); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return err
		}
	}
	if !csrfOK {
		return errCSRF
	}
	return nil
}

// salvaFile streams the file of part, read from in, into the archive: the
// stored file, or why it was refused.
func (h *Handlers) salvaFile(part *multipart.Part, in io.Reader) (domain.Allegato, string, error) {
	meta, err := h.Archive.Salva(part.FileName(), part.Header.Get("Content-Type"), in)
	var rifiuto *attach.Rifiuto
	switch {
	case errors.As(err, &rifiuto):
		return domain.Allegato{}, rifiuto.Messaggio, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Allegato{}, "", errors.Join(fiber.ErrBadRequest, err)
	case err != nil:
		return domain.Allegato{}, "", err
	}
	return allegatoDi(meta, h.Now()), "", nil
}

// eliminaFile removes attachment files that no request refers to.
func (h *Handlers) eliminaFile(files ...domain.Allegato) {
	for _, a := range files {
		if err := h.Archive.Elimina(a.ID); err != nil {
			h.Log.Error("removing attachment file", "id", a.ID, "err", err)
		}
	}
}

// allegatoDi is the stored file m as a request names it.
func allegatoDi(m attach.Meta, caricato time.Time) domain.Allegato {
	return domain.Allegato{ID: m.ID, Tipo: string(m.Tipo), NomeOriginale: m.NomeOriginale, Byte: m.Byte, SHA256: m.SHA256, ChiaveCifrata: m.ChiaveCifrata, Caricato: caricato}
}

func metaDi(a domain.Allegato) attach.Meta {
	return attach.Meta{ID: a.ID, Tipo: attach.Tipo(a.Tipo), NomeOriginale: a.NomeOriginale, Byte: a.Byte, SHA256: a.SHA256, ChiaveCifrata: a.ChiaveCifrata}
}

// scaricaAllegato sends one of the applicant's own attachments, decrypted:
// as a download, or with ?vedi=si to be looked at in the browser, with the
// same policy as the operator's view.
func (h *Handlers) scaricaAllegato(c *fiber.Ctx) error {
	r, err := h.richiestaPropria(c)
	if err != nil {
		return err
	}
	a, ok := r.Allegati[domain.TipoAllegato(c.Params("tipo"))]
	if !ok {
		return domain.NonTrovato("Allegato non trovato.")
	}
	disposizione := "attachment"
	if c.Query("vedi") == "si" {
		disposizione = "inline"
	}
	return h.inviaAllegato(c, a, disposizione, c.Params("tipo"))
}

// inviaAllegato streams the decrypted file a as nome (its extension added),
// inline or as a download, under the policy of attachments: no script, no
// plugin, and for images a sandbox. Chromium refuses to run its PDF viewer
// in a sandbox, so PDFs get none and may be framed by our pages only.
func (h *Handlers) inviaAllegato(c *fiber.Ctx, a domain.Allegato, disposizione, nome string) error {
	rc, err := h.Archive.Apri(metaDi(a))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, a.Tipo)
	c.Set(fiber.HeaderContentDisposition, disposizione+`; filename="`+nome+estensione(a.Tipo)+`"`)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Cache-Control", "no-store")
	if strings.HasPrefix(a.Tipo, "image/") {
		c.Set("Content-Security-Policy", cspImmagine)
	} else {
		c.Set("Content-Security-Policy", cspPDF)
		c.Set("X-Frame-Options", "SAMEORIGIN")
	}
	return c.SendStream(rc, int(a.Byte))
}

func estensione(mime string) string {
	switch mime {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	}
	return ""
}
