package backup

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"abilita/internal/disco"
	"abilita/security"
)

// reAllegato is the name of an attachment in the archive: allegati/ and the
// 32 hex digits attach gives its files.
var reAllegato = regexp.MustCompile(`^allegati/[0-9a-f]{32}$`)

// Verifica reads the whole archive at path and checks it against its
// manifest: every file listed is there with its size and checksum, nothing
// else is, and the names are only those a copy writes. It writes nothing.
func Verifica(path string) (*Manifesto, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	visti := map[string]Voce{}
	var m *Manifesto
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("l'archivio è danneggiato o non è una copia di Abilita: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("l'archivio contiene %q, che non è un file: non è una copia di Abilita", h.Name)
		}
		switch {
		case h.Name == NomeManifesto:
			dati, err := io.ReadAll(io.LimitReader(tr, 256<<20))
			if err != nil {
				return nil, err
			}
			m = &Manifesto{}
			if err := json.Unmarshal(dati, m); err != nil {
				return nil, fmt.Errorf("il manifesto dell'archivio non si legge: %w", err)
			}
			continue
		case h.Name != NomeDatabase && !reAllegato.MatchString(h.Name):
			return nil, fmt.Errorf("l'archivio contiene %q, che una copia di Abilita non contiene", h.Name)
		case visti[h.Name].Nome != "":
			return nil, fmt.Errorf("l'archivio contiene due volte %q", h.Name)
		}
		s := sha256.New()
		n, err := io.Copy(s, tr)
		if err != nil {
			return nil, fmt.Errorf("l'archivio è danneggiato (%s): %w", h.Name, err)
		}
		visti[h.Name] = Voce{Nome: h.Name, Byte: n, SHA256: hex.EncodeToString(s.Sum(nil))}
	}
	if m == nil {
		return nil, errors.New("l'archivio non ha il manifesto: è incompleto o non è una copia di Abilita")
	}
	if m.Formato != Formato {
		return nil, fmt.Errorf("l'archivio è nel formato %d, questa versione legge il formato %d", m.Formato, Formato)
	}
	if len(m.File) == 0 || m.File[0].Nome != NomeDatabase {
		return nil, errors.New("il manifesto non elenca il database")
	}
	for _, v := range m.File {
		got, ok := visti[v.Nome]
		switch {
		case !ok:
			return nil, fmt.Errorf("manca nell'archivio %s, che il manifesto elenca", v.Nome)
		case got != v:
			return nil, fmt.Errorf("%s non corrisponde al manifesto (%d byte, SHA-256 %s; attesi %d byte, %s)", v.Nome, got.Byte, got.SHA256, v.Byte, v.SHA256)
		}
		delete(visti, v.Nome)
	}
	for nome := range visti {
		return nil, fmt.Errorf("l'archivio contiene %s, che il manifesto non elenca", nome)
	}
	return m, nil
}

// Ripristina restores the archive at path into the data folder dir, whose
// master key is at fileChiave: it checks the whole archive (Verifica) and
// that the key is the one the data need before writing anything, and
// refuses a folder that already holds a database or attachments.
func Ripristina(path, dir, fileChiave string) (*Manifesto, error) {
	m, err := Verifica(path)
	if err != nil {
		return nil, err
	}
	keys, err := security.LoadMasterKey(fileChiave)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("manca la chiave master %s: ripristina prima il file della chiave, conservato a parte (la copia richiede la chiave con impronta %s)", fileChiave, m.ImprontaChiave)
	}
	if err != nil {
		return nil, err
	}
	if keys.Impronta() != m.ImprontaChiave {
		return nil, fmt.Errorf("la chiave master %s (impronta %s) non è quella dei dati della copia (impronta %s): ripristina il file della chiave giusto", fileChiave, keys.Impronta(), m.ImprontaChiave)
	}
	db, allegati := filepath.Join(dir, NomeDatabase), filepath.Join(dir, strings.TrimSuffix(CartellaFile, "/"))
	if _, err := os.Stat(db); err == nil {
		return nil, fmt.Errorf("la cartella %s contiene già un database: ripristina in una cartella nuova, o sposta altrove quella attuale", dir)
	}
	if voci, err := os.ReadDir(allegati); err == nil && len(voci) > 0 {
		return nil, fmt.Errorf("la cartella %s contiene già degli allegati: ripristina in una cartella nuova", allegati)
	}
	if err := os.MkdirAll(allegati, 0o700); err != nil {
		return nil, err
	}
	attesi := map[string]Voce{}
	for _, v := range m.File {
		attesi[v.Nome] = v
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		v, ok := attesi[h.Name]
		if !ok {
			continue // the manifest
		}
		dest := db
		if h.Name != NomeDatabase {
			dest = filepath.Join(allegati, strings.TrimPrefix(h.Name, CartellaFile))
		}
		if err := estrai(tr, dest, v); err != nil {
			return nil, err
		}
	}
	for _, d := range []string{allegati, dir} {
		if err := disco.SincronizzaCartella(d); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// estrai writes the file v from r to dest, through a temporary name, and
// checks its checksum again before giving it its name.
func estrai(r io.Reader, dest string, v Voce) error {
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".ripristino-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	s := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, s), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n != v.Byte || hex.EncodeToString(s.Sum(nil)) != v.SHA256 {
		return fmt.Errorf("%s è cambiato durante il ripristino", v.Nome)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}
