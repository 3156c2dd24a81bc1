package testsmtp

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Message is one message as the server received it.
type Message struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Data     []byte   // raw RFC 5322 message
	Username string   // AUTH PLAIN user, "" when the client did not authenticate
}

// Header returns the decoded (RFC 2047) value of a header field.
func (m Message) Header(name string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return decodeWords(msg.Header.Get(name))
}

// Subject returns the decoded subject.
func (m Message) Subject() string { return m.Header("Subject") }

// Text returns the decoded text/plain body with LF line ends, "" if there is
// none.
func (m Message) Text() string { return m.body("text/plain") }

// HTML returns the decoded text/html body with LF line ends, "" if there is
// none.
func (m Message) HTML() string { return m.body("text/html") }

func (m Message) body(mediaType string) string {
	for _, p := range m.parts() {
		if p.mediaType == mediaType && p.filename == "" {
			return strings.ReplaceAll(string(p.body), "\r\n", "\n")
		}
	}
	return ""
}

// Attachments returns the file names of the attachments.
func (m Message) Attachments() []string {
	var names []string
	for _, p := range m.parts() {
		if p.filename != "" {
			names = append(names, p.filename)
		}
	}
	return names
}

// Attachment returns the decoded content and media type of the attachment
// called name; ok is false if there is none.
func (m Message) Attachment(name string) (data []byte, mediaType string, ok bool) {
	for _, p := range m.parts() {
		if p.filename == name {
			return p.body, p.mediaType, true
		}
	}
	return nil, "", false
}

// part is one leaf of the MIME tree, its body already decoded.
type part struct {
	mediaType string
	filename  string
	body      []byte
}

// parts flattens the MIME tree; a malformed message yields what could be read.
func (m Message) parts() []part {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil
	}
	return walk(textproto.MIMEHeader(msg.Header), msg.Body)
}

func walk(h textproto.MIMEHeader, body io.Reader) []part {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType, params = "text/plain", nil
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		var out []part
		r := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart: we decode Content-Transfer-Encoding ourselves, the
			// same way for the top level and for parts.
			p, err := r.NextRawPart()
			if err != nil {
				return out
			}
			out = append(out, walk(p.Header, p)...)
		}
	}
	data, err := io.ReadAll(decoder(h.Get("Content-Transfer-Encoding"), body))
	if err != nil {
		return nil
	}
	return []part{{mediaType: mediaType, filename: filename(h, params), body: data}}
}

func decoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	}
	return r
}

// filename reads the name from Content-Disposition, falling back to the
// Content-Type "name" parameter that older clients use.
func filename(h textproto.MIMEHeader, typeParams map[string]string) string {
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err == nil && params["filename"] != "" {
		return decodeWords(params["filename"])
	}
	return decodeWords(typeParams["name"])
}

func decodeWords(s string) string {
	decoded, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return decoded
}
