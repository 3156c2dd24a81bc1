package views

import (
	"io/fs"
	"regexp"
	"testing"
)

// Templates ask the domain a question (.Stato.Respinta, .Utente.Ruolo.Operatore,
// .R.Profilo.Referente) instead of comparing with the stored string: a
// renamed state would otherwise make a page silently show the wrong branch.
func TestNessunConfrontoConStatiERuoli(t *testing.T) {
	confronto := regexp.MustCompile(`\b(eq|ne) (?:[$.A-Za-z0-9]*\.(Stato|Ruolo|Profilo|Percorso|Tipo) "[a-z_]|"[a-z_]+" [$.A-Za-z0-9]*\.(Stato|Ruolo|Profilo|Percorso|Tipo)\b)`)
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range confronto.FindAllIndex(b, -1) {
			t.Errorf("%s: %q compares with a literal; use the type's method", path, b[m[0]:min(len(b), m[1]+12)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
