package attach

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tipo is the media type of an accepted document.
type Tipo string

// The accepted types. Anything else, SVG and HTML above all, is refused.
const (
	TipoPDF  Tipo = "application/pdf"
	TipoJPEG Tipo = "image/jpeg"
	TipoPNG  Tipo = "image/png"
)

var tipoPerEstensione = map[string]Tipo{
	".pdf":  TipoPDF,
	".jpg":  TipoJPEG,
	".jpeg": TipoJPEG,
	".png":  TipoPNG,
}

// tipoPerDichiarato maps the Content-Type a browser may send for each type,
// including the non-standard names some still use.
var tipoPerDichiarato = map[string]Tipo{
	"application/pdf":   TipoPDF,
	"application/x-pdf": TipoPDF,
	"image/jpeg":        TipoJPEG,
	"image/jpg":         TipoJPEG,
	"image/pjpeg":       TipoJPEG,
	"image/png":         TipoPNG,
	"image/x-png":       TipoPNG,
}

// tipoIgnoto reports a declared type that says nothing: some browsers send
// application/octet-stream (or nothing) for files they do not recognise, and
// the magic bytes and the extension decide then.
func tipoIgnoto(mediaType string) bool {
	return mediaType == "" || mediaType == "application/octet-stream"
}

var pngMagic = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}

// sniff recognises the type from the first bytes of the file, or returns "".
func sniff(head []byte) Tipo {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TipoPDF
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TipoJPEG
	case bytes.HasPrefix(head, pngMagic):
		return TipoPNG
	}
	return ""
}

// tipoAtteso returns the type the extension of nome promises, after checking
// that the declared content type does not say otherwise.
func tipoAtteso(nome, contentType string) (Tipo, error) {
	tipo, ok := tipoPerEstensione[strings.ToLower(filepath.Ext(nome))]
	if !ok {
		return "", rifiutoNonAmmesso(nome)
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = strings.ToLower(strings.TrimSpace(contentType))
	}
	if tipoIgnoto(mediaType) {
		return tipo, nil
	}
	dichiarato, ok := tipoPerDichiarato[mediaType]
	switch {
	case !ok:
		return "", rifiutoNonAmmesso(nome)
	case dichiarato != tipo:
		return "", rifiutoTipoDichiarato
	}
	return tipo, nil
}

// dimensioni reads width and height from the header of an image.
func dimensioni(tipo Tipo, r io.Reader) (image.Config, error) {
	if tipo == TipoJPEG {
		return jpeg.DecodeConfig(r)
	}
	return png.DecodeConfig(r)
}

// maxNome is the longest original name kept, in characters.
const maxNome = 100

// nomeVisibile makes the name a browser sent safe to show and store: the
// last path element only (old browsers send the whole path), no control or
// formatting characters (U+202E can make "gpj.exe" read "exe.jpg"), valid
// UTF-8, at most maxNome characters with the extension kept.
func nomeVisibile(nome string) string {
	if i := strings.LastIndexAny(nome, `/\`); i >= 0 {
		nome = nome[i+1:]
	}
	nome = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(nome, ""))
	nome = strings.TrimSpace(nome)
	if r := []rune(nome); len(r) > maxNome {
		ext := []rune(filepath.Ext(nome))
		if len(ext) > 10 {
			ext = nil
		}
		nome = string(r[:maxNome-len(ext)]) + string(ext)
	}
	if nome == "" {
		nome = "documento"
	}
	return nome
}

// dimensione writes a byte count the way the messages show it: "8 MB",
// "1,5 MB", "64 KB".
func dimensione(n int64) string {
	unit, name := float64(1<<20), "MB"
	if n < 1<<20 {
		unit, name = 1<<10, "KB"
	}
	s := strconv.FormatFloat(float64(n)/unit, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return fmt.Sprintf("%s %s", strings.Replace(s, ".", ",", 1), name)
}
