package handlers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
)

// The fields of the answer form, after the CSRF token.
const (
	campoRisposta = "risposta"
	campoTipo     = "tipo"
	campoFile     = "file"
)

// maxByteRisposta bounds the bytes read of the text: MaxTestoLungo
// characters of up to four bytes each, with CRLF line ends.
const maxByteRisposta = 5 * domain.MaxTestoLungo

// moduloRisposta is the answer form as read from the stream.
type moduloRisposta struct {
	Testo    string
	Tipo     domain.TipoAllegato
	Allegato *domain.Allegato // the replacement file, already stored
	Errori   domain.Errori
}

// scarta removes the file of an answer that is not kept.
func (f *moduloRisposta) scarta(h *Handlers) {
	if f != nil && f.Allegato != nil {
		h.eliminaFile(*f.Allegato)
	}
}

// leggiRisposta reads the answer form part by part (leggiParti): the file
// streamed to the archive. A file part with nothing in it (no file chosen)
// is ignored.
func (h *Handlers) leggiRisposta(c *fiber.Ctx, mr *multipart.Reader) (*moduloRisposta, error) {
	f := &moduloRisposta{Errori: domain.Errori{}}
	err := h.leggiParti(c, mr, func(part *multipart.Part) error {
		switch part.FormName() {
		case campoRisposta:
			return f.leggiTesto(part)
		case campoTipo:
			v, err := io.ReadAll(io.LimitReader(part, 64))
			f.Tipo = domain.TipoAllegato(strings.TrimSpace(string(v)))
			return err
		case campoFile:
			return h.leggiFileRisposta(f, part)
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	f.valida()
	return f, nil
}

func (f *moduloRisposta) leggiTesto(part io.Reader) error {
	testo, troppo, err := leggiTestoLungo(part)
	if troppo {
		f.Errori.Add(campoRisposta, fmt.Sprintf("La risposta è troppo lunga: al massimo %d caratteri.", domain.MaxTestoLungo))
	}
	f.Testo = testo
	return err
}

// leggiTestoLungo reads a long text field of a streamed form, reading at
// most maxByteRisposta+1 bytes: troppo when it is longer. Browsers send line
// ends as CRLF; the limit counts characters as typed.
func leggiTestoLungo(part io.Reader) (testo string, troppo bool, err error) {
	v, err := io.ReadAll(io.LimitReader(part, maxByteRisposta+1))
	if err != nil || len(v) > maxByteRisposta {
		return "", err == nil, err
	}
	return strings.TrimSpace(strings.ReplaceAll(string(v), "\r\n", "\n")), false, nil
}

// leggiFileRisposta streams the replacement file into the archive.
func (h *Handlers) leggiFileRisposta(f *moduloRisposta, part *multipart.Part) error {
	return h.fileFacoltativo(part, &f.Allegato, f.Errori, campoFile)
}

// fileFacoltativo streams the file of an optional file field into the
// archive, into *dove: a part with nothing in it (no file chosen) is
// ignored, a refused file is an error of campo, and a second file replaces
// the first, whose stored copy is removed.
func (h *Handlers) fileFacoltativo(part *multipart.Part, dove **domain.Allegato, e domain.Errori, campo string) error {
	in := bufio.NewReader(part)
	if _, err := in.Peek(1); errors.Is(err, io.EOF) {
		return nil
	}
	a, rifiuto, err := h.salvaFile(part, in)
	switch {
	case err != nil:
		return err
	case rifiuto != "":
		e.Add(campo, rifiuto)
		return nil
	}
	if *dove != nil {
		h.eliminaFile(**dove)
	}
	*dove = &a
	return nil
}

// valida checks the form once every part is read, since the browser may send
// the chosen document after the file.
func (f *moduloRisposta) valida() {
	if _, ok := f.Errori[campoRisposta]; !ok {
		if f.Testo == "" {
			f.Errori.Add(campoRisposta, "Scrivi la tua risposta alla sede.")
		} else if msg := domain.ControllaTestoLungo(f.Testo); msg != "" {
			f.Errori.Add(campoRisposta, msg)
		}
	}
	switch {
	case f.Tipo != "" && !slices.Contains(domain.TipiAllegato, f.Tipo):
		f.Errori.Add(campoTipo, "Scegli il documento da sostituire dall'elenco.")
	case f.Allegato != nil && f.Tipo == "":
		f.Errori.Add(campoTipo, "Indica quale documento sostituisce il file scelto.")
	}
	if len(f.Errori) > 0 && f.Allegato != nil {
		f.Errori.Add(campoFile, "Scegli di nuovo il file: non è stato conservato perché la risposta non è stata inviata.")
	}
}

// uploadFallito answers a streamed upload that could not be read.
func uploadFallito(c *fiber.Ctx, err error) error {
	if errors.Is(err, errCorpoTroppoGrande) {
		return troppoGrande(c)
	}
	return err
}
