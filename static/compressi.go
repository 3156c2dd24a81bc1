package static

import (
	"bytes"
	"compress/gzip"
	"path"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// The text assets (stylesheets, scripts, SVG, licences) are sent compressed
// when the browser accepts it: brotli, else gzip. Each file's versions are
// computed once, in the background, when it is first asked for (a process
// pays only for the files its pages use: the tests' servers rarely serve
// any), never per request; until they are ready the file goes out as it is.
//
// They hang off the asset itself, made when the assets are loaded, rather
// than in a table keyed by the name a request asked for: that name lives in
// Fiber's request buffer, which the next request overwrites.

// compressi holds the compressed versions of an asset; pronto is closed
// once they are set.
type compressi struct {
	avvio  sync.Once
	br, gz []byte
	pronto chan struct{}
}

// comprimibile says whether compressing name is worth it: fonts and images
// other than SVG are compressed already.
func comprimibile(name string) bool {
	switch path.Ext(name) {
	case ".css", ".js", ".svg", ".json", ".txt", ".map", "":
		return true
	}
	return strings.HasSuffix(name, "LICENSE") || strings.HasSuffix(name, ".md")
}

// nuoviCompressi returns the empty versions of the file name with content
// body, or nil for a file not worth compressing.
func nuoviCompressi(name string, body []byte) *compressi {
	if !comprimibile(name) || len(body) < 512 {
		return nil
	}
	return &compressi{pronto: make(chan struct{})}
}

// comprimi computes the versions of body into c.
func comprimi(body []byte, c *compressi) {
	defer close(c.pronto)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	if gz.Len() < len(body) {
		c.gz = gz.Bytes()
	}
	if br.Len() < len(body) {
		c.br = br.Bytes()
	}
}

// versione returns the compressed versions of a once they are ready,
// starting their computation the first time; nil until then, and for files
// not worth compressing.
func versione(a asset) *compressi {
	c := a.compressi
	if c == nil {
		return nil
	}
	c.avvio.Do(func() { go comprimi(a.body, c) })
	select {
	case <-c.pronto:
		return c
	default:
		return nil
	}
}

// codifica chooses the version of a to send for the request's
// Accept-Encoding: the body, its Content-Encoding ("" for none) and the
// suffix of its ETag.
func codifica(c *fiber.Ctx, a asset) (body []byte, encoding, etag string) {
	cv := versione(a)
	if cv == nil {
		return a.body, "", a.etag
	}
	accetta := c.Get(fiber.HeaderAcceptEncoding)
	switch {
	case cv.br != nil && accetta2(accetta, "br"):
		return cv.br, "br", strings.TrimSuffix(a.etag, `"`) + `-br"`
	case cv.gz != nil && accetta2(accetta, "gzip"):
		return cv.gz, "gzip", strings.TrimSuffix(a.etag, `"`) + `-gz"`
	}
	return a.body, "", a.etag
}

// accetta2 reports whether the Accept-Encoding header allows enc (listed,
// and not with q=0).
func accetta2(header, enc string) bool {
	for _, voce := range strings.Split(header, ",") {
		nome, param, _ := strings.Cut(strings.TrimSpace(voce), ";")
		if strings.EqualFold(strings.TrimSpace(nome), enc) {
			q := strings.ReplaceAll(strings.TrimSpace(param), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
