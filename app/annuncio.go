package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The one-time set-up link of the first administrator must not scroll away
// under the request log: it is printed in a frame at start and again every
// minute until an administrator exists, and written to a file of the data
// folder (mode 0600), removed once it has been used.

// FileCollegamento is where the set-up link is written.
func (c Config) FileCollegamento() string {
	return filepath.Join(c.DataDir, "collegamento-primo-amministratore.txt")
}

// cornice frames the set-up link for the console.
func cornice(link string) string {
	righe := []string{
		"Nessun amministratore configurato.",
		"Apri questo collegamento monouso per creare il primo amministratore:",
		"",
		link,
		"",
		"Vale 7 giorni. È anche nel file collegamento-primo-amministratore.txt della cartella dei dati.",
	}
	largo := 0
	for _, r := range righe {
		largo = max(largo, len([]rune(r)))
	}
	var b strings.Builder
	b.WriteString("\n+" + strings.Repeat("-", largo+2) + "+\n")
	for _, r := range righe {
		b.WriteString("| " + r + strings.Repeat(" ", largo-len([]rune(r))) + " |\n")
	}
	b.WriteString("+" + strings.Repeat("-", largo+2) + "+\n\n")
	return b.String()
}

// AnnunciaCollegamento prints the set-up link framed to out, writes it to
// FileCollegamento, and then, every ogni, prints it again until an
// administrator exists; then it removes the file and returns. It also
// returns when ctx ends.
func (a *App) AnnunciaCollegamento(ctx context.Context, link string, out io.Writer, ogni time.Duration) error {
	file := a.Config.FileCollegamento()
	if err := os.WriteFile(file, []byte(link+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	fmt.Fprint(out, cornice(link))
	controllo := time.NewTicker(min(ogni, 5*time.Second))
	defer controllo.Stop()
	prossimo := time.Now().Add(ogni)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-controllo.C:
		}
		if ci, err := a.Store.CiSonoAmministratori(); err == nil && ci {
			a.Log.Info("primo amministratore configurato: collegamento di configurazione eliminato", "file", file)
			return os.Remove(file)
		}
		if !time.Now().Before(prossimo) {
			fmt.Fprint(out, cornice(link))
			prossimo = time.Now().Add(ogni)
		}
	}
}
