// Package backup writes and restores a whole installation's data in one
// archive, while the service runs: the database (a consistent snapshot),
// every encrypted attachment, and a manifest with counts and checksums and
// the fingerprint of the master key the data need. The master key itself
// is never inside: it is kept apart, and a restore checks it first.
//
// The archive is a tar file: abilita.db, allegati/<id> for each attachment,
// and manifest.json last, since it holds the checksums of what precedes it.
package backup

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"abilita/attach"
	"abilita/security"
	"abilita/store"
)

// Formato is the version of the archive's layout.
const Formato = 1

// Names inside the archive.
const (
	NomeDatabase  = "abilita.db"
	CartellaFile  = "allegati/"
	NomeManifesto = "manifest.json"
)

// Manifesto describes an archive.
type Manifesto struct {
	Formato        int            `json:"formato"`
	Creato         time.Time      `json:"creato"`
	Schema         int            `json:"schema"`
	ImprontaChiave string         `json:"impronta_chiave"` // of the master key the data need
	Conteggi       store.Conteggi `json:"conteggi"`
	File           []Voce         `json:"file"` // the database first, then every attachment
}

// Voce is one file of the archive.
type Voce struct {
	Nome   string `json:"nome"`
	Byte   int64  `json:"byte"`
	SHA256 string `json:"sha256"`
}

// Allegati counts the attachments of m.
func (m *Manifesto) Allegati() int {
	n := 0
	for _, v := range m.File {
		if strings.HasPrefix(v.Nome, CartellaFile) {
			n++
		}
	}
	return n
}

// Scrivi writes the archive of the installation to w: the database of st as
// one snapshot, then every attachment of arch (removals wait meanwhile, so
// every file the snapshot names is there), then the manifest. keys is the
// master key, whose fingerprint the manifest records.
func Scrivi(w io.Writer, st *store.Store, arch *attach.Archivio, keys *security.Keyring, now time.Time) (*Manifesto, error) {
	riprendi := arch.SospendiEliminazioni()
	defer riprendi()
	tw := tar.NewWriter(w)
	m := &Manifesto{Formato: Formato, Creato: now.UTC(), ImprontaChiave: keys.Impronta()}
	err := st.Copia(func(size int64, c store.Conteggi, scrivi func(io.Writer) (int64, error)) error {
		m.Conteggi, m.Schema = c, c.Schema
		return voce(tw, m, NomeDatabase, size, now, func(w io.Writer) error {
			_, err := scrivi(w)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	// Listed after the snapshot: every file it names was in place before it.
	nomi, err := fileAllegati(arch.Dir())
	if err != nil {
		return nil, err
	}
	for _, nome := range nomi {
		f, err := os.Open(filepath.Join(arch.Dir(), nome))
		if err != nil {
			return nil, err
		}
		info, err := f.Stat()
		if err == nil {
			err = voce(tw, m, CartellaFile+nome, info.Size(), info.ModTime(), func(w io.Writer) error {
				_, err := io.Copy(w, f)
				return err
			})
		}
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	dati, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: NomeManifesto, Mode: 0o600, Size: int64(len(dati)), ModTime: now, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(dati); err != nil {
		return nil, err
	}
	return m, tw.Close()
}

// voce writes one file of size bytes, hashing it, and lists it in m.
func voce(tw *tar.Writer, m *Manifesto, nome string, size int64, mod time.Time, scrivi func(io.Writer) error) error {
	if err := tw.WriteHeader(&tar.Header{Name: nome, Mode: 0o600, Size: size, ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	h := sha256.New()
	cw := &contatore{w: io.MultiWriter(tw, h)}
	if err := scrivi(cw); err != nil {
		return err
	}
	if cw.n != size {
		return fmt.Errorf("backup: %s: %d bytes written, %d announced", nome, cw.n, size)
	}
	m.File = append(m.File, Voce{Nome: nome, Byte: size, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// fileAllegati lists the attachments' files, without the temporary ones of
// uploads in progress, sorted.
func fileAllegati(dir string) ([]string, error) {
	voci, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range voci {
		if v.Type().IsRegular() && !strings.HasPrefix(v.Name(), ".") {
			out = append(out, v.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

type contatore struct {
	w io.Writer
	n int64
}

func (c *contatore) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
