package handlers

import (
	"bufio"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"abilita/backup"
	"abilita/domain"
)

// copiaDiSicurezza streams to an administrator the archive of the whole
// installation (backup.Scrivi) while the service keeps running: the
// database as one snapshot, every attachment, the manifest. The master key
// is not in it. The download is audited before it starts.
func (h *Handlers) copiaDiSicurezza(c *fiber.Ctx) error {
	now := h.Now()
	if err := h.Store.RegistraEvento(h.atto(c), domain.AuditAccount, 0, "Copia di sicurezza scaricata dall'amministrazione"); err != nil {
		return err
	}
	nome := fmt.Sprintf("abilita-copia-%s.tar", now.In(domain.Roma).Format("2006-01-02-1504"))
	c.Set(fiber.HeaderContentType, "application/x-tar")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+nome+`"`)
	// The archive is streamed as it is read, of a length known only at the
	// end: the connection closes after it rather than serving another
	// request, which a browser reusing it could read cut short.
	c.Context().SetConnectionClose()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		m, err := backup.Scrivi(w, h.Store, h.Archive, h.Keys, now)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			// The status is sent: the archive is cut short, and its missing
			// manifest makes "abilita restore" refuse it.
			h.Log.Error("copia di sicurezza interrotta", "err", err)
			return
		}
		h.Log.Info("copia di sicurezza scaricata", "richieste", m.Conteggi.Richieste, "allegati", m.Allegati())
	})
	return nil
}
