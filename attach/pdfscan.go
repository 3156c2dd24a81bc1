package attach

import (
	"compress/zlib"
	"io"
)

// PDF check. A PDF is refused when it names a feature that runs code or
// carries other files, however harmless the rest:
//
//	/JavaScript, /JS     scripts (document-level or in actions)
//	/Launch              actions that start programs or open files
//	/EmbeddedFile, /EF   files inside the PDF, which may be anything
//	/RichMedia           Flash and video annotations, scriptable
//	/XFA                 XML forms, which carry their own scripts
//	/Encrypt             encrypted PDFs: their content cannot be checked
//
// /OpenAction and /AA (actions run on opening or on events) are allowed on
// their own: they are common in ordinary PDFs (opening at a page or zoom)
// and are only dangerous when they point at one of the actions above, which
// are refused by name. /EmbeddedFiles, the catalog's name tree of
// attachments, is allowed because some writers (fpdf, which makes this
// application's own modules) always write it, empty; an actual attachment
// needs a file specification with /EF, and its stream may omit
// /Type /EmbeddedFile, so /EF is what counts.
//
// Names are compared after decoding #xx escapes (/J#61vaScript is
// /JavaScript). Object streams compressed with FlateDecode, where modern
// writers put most dictionaries, are inflated and checked too. Inside other
// streams (images, page content, fonts) only names of three bytes or more
// count, because random binary data spells "/JS" followed by a delimiter
// about once every 250 MB and would refuse ordinary scans.
//
// This is a byte-level check, not a parser: a PDF built to disagree with it
// about where streams start and end may get through. It is one layer of
// defence; documents are also only ever served as downloads.
var pdfForbidden = map[string]*Rifiuto{
	"JavaScript":   {"Il PDF contiene codice eseguibile (JavaScript) e non può essere accettato."},
	"JS":           {"Il PDF contiene codice eseguibile (JavaScript) e non può essere accettato."},
	"Launch":       {"Il PDF contiene comandi che avviano programmi e non può essere accettato."},
	"EmbeddedFile": {"Il PDF contiene altri file al suo interno e non può essere accettato."},
	"EF":           {"Il PDF contiene altri file al suo interno e non può essere accettato."},
	"RichMedia":    {"Il PDF contiene contenuti multimediali interattivi e non può essere accettato."},
	"XFA":          {"Il PDF contiene un modulo interattivo (XFA) e non può essere accettato: stampalo come PDF e caricalo di nuovo."},
	"Encrypt":      {"Il PDF è protetto da password o cifrato e non può essere verificato: carica una copia senza protezione."},
}

var rifiutoPDFIllegibile = &Rifiuto{"Il PDF è danneggiato o usa una codifica che non può essere verificata."}

const (
	// minStreamName is the shortest name that counts inside stream data.
	minStreamName = 3
	// maxInflated bounds the object-stream data inflated for one file, so
	// that a compression bomb costs bounded time.
	maxInflated = 64 << 20
)

// checkName returns the refusal that name causes, or nil.
func checkName(name []byte) *Rifiuto {
	return pdfForbidden[string(name)]
}

// pdfScanner is an io.Writer that checks a PDF as it streams past. Its
// Write returns the *Rifiuto as soon as one is found.
type pdfScanner struct {
	lex      lexer
	inStream bool
	skipLF   bool // "stream" ended with CR: a LF may follow before the data
	end      matcher
	// What the dictionary of the current object said, since its "obj".
	objStm, flate, otherFilter bool
	sink                       streamSink // receives the data of an object stream
	budget                     int64
	found                      *Rifiuto
}

// streamSink checks the data of one object stream.
type streamSink interface {
	io.Writer
	// finish returns the refusal the stream causes and the inflated bytes.
	finish() (*Rifiuto, int64)
}

func newPDFScanner() *pdfScanner {
	return &pdfScanner{end: newMatcher("endstream"), budget: maxInflated}
}

func (s *pdfScanner) Write(p []byte) (int, error) {
	if s.found != nil {
		return 0, s.found
	}
	start := 0 // where the current stream's data begins in p
	for i, c := range p {
		if !s.inStream {
			s.structure(c)
			start = i + 1
		} else {
			if s.skipLF {
				s.skipLF = false
				if c == '\n' {
					start = i + 1
					continue
				}
			}
			if kind, name := s.lex.step(c); kind == nameToken && len(name) >= minStreamName {
				s.flag(name)
			}
			if s.end.next(c) {
				s.feed(p[start : i+1])
				s.endStream()
			}
		}
		if s.found != nil {
			s.close()
			return i + 1, s.found
		}
	}
	if s.inStream {
		s.feed(p[start:]) // a sink reports what it finds when the stream ends
	}
	return len(p), nil
}

// structure follows the syntax outside streams: names, "obj" and "stream".
func (s *pdfScanner) structure(c byte) {
	kind, tok := s.lex.step(c)
	switch kind {
	case nameToken:
		s.flag(tok)
		switch string(tok) {
		case "ObjStm":
			s.objStm = true
		case "FlateDecode", "Fl":
			s.flate = true
		case "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85", "LZWDecode", "LZW",
			"RunLengthDecode", "RL", "Crypt":
			s.otherFilter = true
		}
	case wordToken:
		switch string(tok) {
		case "obj":
			s.objStm, s.flate, s.otherFilter = false, false, false
		case "stream":
			s.startStream(c)
		}
	}
}

func (s *pdfScanner) startStream(delim byte) {
	s.inStream = true
	s.skipLF = delim == '\r'
	s.lex = lexer{}
	switch {
	case !s.objStm:
	case s.otherFilter:
		s.found = rifiutoPDFIllegibile
	case s.flate:
		s.sink = startInflater(s.budget)
	default:
		s.sink = &nameScanner{}
	}
}

func (s *pdfScanner) endStream() {
	s.inStream = false
	s.lex = lexer{}
	s.objStm, s.flate, s.otherFilter = false, false, false
	s.closeSink()
}

func (s *pdfScanner) feed(data []byte) {
	if s.sink != nil && len(data) > 0 {
		s.sink.Write(data) // a sink reports in finish, not here
	}
}

func (s *pdfScanner) closeSink() {
	if s.sink == nil {
		return
	}
	found, inflated := s.sink.finish()
	s.sink = nil
	s.budget -= inflated
	if s.found == nil {
		s.found = found
	}
}

func (s *pdfScanner) flag(name []byte) {
	if r := checkName(name); r != nil && s.found == nil {
		s.found = r
	}
}

// close ends the scan at the end of the file, or early after a refusal or
// an error elsewhere, and returns the refusal found if any. It stops any
// inflating goroutine, so it must always be called.
func (s *pdfScanner) close() *Rifiuto {
	if !s.inStream {
		s.structure(' ') // completes a name at the very end of the file
	}
	s.closeSink()
	return s.found
}

// nameScanner checks every name in uncompressed object-stream data.
type nameScanner struct {
	lex   lexer
	found *Rifiuto
}

func (n *nameScanner) Write(p []byte) (int, error) {
	for _, c := range p {
		if kind, name := n.lex.step(c); kind == nameToken && n.found == nil {
			n.found = checkName(name)
		}
	}
	return len(p), nil
}

func (n *nameScanner) finish() (*Rifiuto, int64) {
	n.Write([]byte{' '})
	return n.found, 0
}

// inflater checks a FlateDecode object stream. compress/flate only pulls
// from a reader, so the pushed data goes through a pipe to a goroutine.
type inflater struct {
	pw   *io.PipeWriter
	done chan inflateResult
}

type inflateResult struct {
	found    *Rifiuto
	inflated int64
}

func startInflater(budget int64) *inflater {
	pr, pw := io.Pipe()
	in := &inflater{pw: pw, done: make(chan inflateResult, 1)}
	go func() {
		res := inflateAndCheck(pr, budget)
		io.Copy(io.Discard, pr) // the writer never blocks, whatever happened
		in.done <- res
	}()
	return in
}

func inflateAndCheck(r io.Reader, budget int64) inflateResult {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return inflateResult{found: rifiutoPDFIllegibile}
	}
	var names nameScanner
	n, err := io.Copy(&names, io.LimitReader(zr, budget+1))
	found, _ := names.finish()
	if found == nil && (err != nil || n > budget) {
		found = rifiutoPDFIllegibile
	}
	return inflateResult{found: found, inflated: n}
}

func (in *inflater) Write(p []byte) (int, error) { return in.pw.Write(p) }

func (in *inflater) finish() (*Rifiuto, int64) {
	in.pw.Close()
	res := <-in.done
	return res.found, res.inflated
}
