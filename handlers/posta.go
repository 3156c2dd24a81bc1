package handlers

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"

	"abilita/notify"
	"abilita/views"
)

// Mail templates are plain text, each parsed on its own since every one
// defines "oggetto", the subject; the rest of the file is the body.
var mailTemplates = func() map[string]*template.Template {
	files, err := fs.Glob(views.FS, "mail/*.txt")
	if err != nil {
		panic(err)
	}
	m := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".txt")
		m[name] = template.Must(template.New(name+".txt").ParseFS(views.FS, f))
	}
	return m
}()

// messaggio renders the mail template name for the recipient to.
func messaggio(name string, to string, data any) (notify.Message, error) {
	t, ok := mailTemplates[name]
	if !ok {
		return notify.Message{}, fmt.Errorf("mail template %q missing", name)
	}
	var body, subject bytes.Buffer
	if err := t.ExecuteTemplate(&body, name+".txt", data); err != nil {
		return notify.Message{}, fmt.Errorf("mail %s: %w", name, err)
	}
	if err := t.ExecuteTemplate(&subject, "oggetto", data); err != nil {
		return notify.Message{}, fmt.Errorf("mail %s subject: %w", name, err)
	}
	return notify.Message{To: []string{to}, Subject: strings.TrimSpace(subject.String()), Text: strings.TrimSpace(body.String()) + "\n", Kind: notify.KindEmail}, nil
}

// durata writes a validity the way a person says it.
func durata(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d giorni", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		if d == time.Hour {
			return "un'ora"
		}
		return fmt.Sprintf("%d ore", d/time.Hour)
	}
	return fmt.Sprintf("%d minuti", d/time.Minute)
}

// link is an absolute address for e-mails.
func (h *Handlers) link(path string) string { return strings.TrimRight(h.cfg.PublicURL, "/") + path }
