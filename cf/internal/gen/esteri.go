package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The ANPR table lists only the states of today, and most territories
// without a Z-code, yet both appear in the codici fiscali of people born
// there. altri_esteri.tsv adds them from python-codicefiscale (MIT licence):
// its hand-kept records of ceased states and of codes missing from ANPR,
// and, for territories, the Z-codes of its last release before it switched
// to ANPR data. ANPR stays the primary source: a code ANPR has is never
// taken from here, and a territory ANPR lists keeps ANPR's name and dates.

// filePCF are the files of python-codicefiscale that -pcf must hold; see
// cf/data/README.md for where each comes from.
var filePCF = []string{"deleted-countries.json", "countries-patch.json", "data-0.3.9.py"}

// dalConvenzionale is the first valid day of a territory no source dates:
// the day ANPR gives every state it lists.
const dalConvenzionale = "1900-01-01"

// statoPCF is a record of deleted-countries.json or countries-patch.json.
type statoPCF struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	DateCreated string `json:"date_created"`
	DateDeleted string `json:"date_deleted"`
}

// territorio is a reviewed addition: a territory, or a record of
// countries-patch.json, with the name package cf shows.
type territorio struct {
	codice, nome, tipo string
	nomePCF            string   // the name python-codicefiscale gives the code, checked on every run
	anpr               []string // DENOMINAZIONE of the ANPR rows without CODAT it stands for
}

// territori were checked one by one: the code in python-codicefiscale, the
// same place in ANPR's list (TIPO TERRITORIO, no CODAT) where it is there,
// and that the place still exists. Codes of that old list for places that
// no longer exist (Sikkim, Zanzibar, Vietnam del Sud, the old codes of
// Soviet republics) are left out: no source gives their dates.
var territori = []territorio{
	{"Z113", "DOMINIO DI GIBILTERRA", "territorio", "GIBILTERRA", []string{"DOMINIO DI GIBILTERRA"}},
	{"Z122", "ISOLA DI MAN", "territorio", "MAN", []string{"ISOLA DI MAN"}},
	{"Z124", "ISOLE DEL CANALE", "territorio", "NORMANNE", []string{"GUERNSEY", "JERSEY"}},
	{"Z212", "ISOLE COCOS", "territorio", "COCOS", nil},
	{"Z221", "HONG KONG", "territorio", "Hong Kong", nil},
	{"Z231", "MACAO", "territorio", "MACAO", nil},
	{"Z324", "ISOLA DELLA RIUNIONE", "territorio", "LA REUNION", []string{"ISOLA DELLA RIUNIONE"}},
	{"Z350", "TANGANICA", "stato", "Tanganica", nil},
	{"Z402", "GROENLANDIA", "territorio", "GROENLANDIA", []string{"GROENLANDIA"}},
	{"Z508", "ISOLA DI GUADALUPA", "territorio", "GUADALUPA", []string{"ISOLA DI GUADALUPA"}},
	{"Z518", "PORTO RICO", "territorio", "Porto Rico", nil},
	{"Z520", "ISOLE VERGINI AMERICANE", "territorio", "Isole Vergini Americane", nil},
	{"Z529", "ISOLA DI ANGUILLA", "territorio", "ISOLA ANGUILLA", []string{"ISOLA DI ANGUILLA"}},
	{"Z531", "ISOLA DI MONTSERRAT", "territorio", "MONTSERRAT", []string{"ISOLA DI MONTSERRAT"}},
	{"Z607", "GUYANA FRANCESE", "territorio", "GUAYANA FRANCESE", []string{"GUYANA FRANCESE"}},
	{"Z609", "ISOLE FALKLAND", "territorio", "MALVINE", []string{"ISOLE FALKLAND"}},
	{"Z702", "ISOLA DI NATALE", "territorio", "CHRISTMAS", nil},
	{"Z706", "GUAM", "territorio", "GUAM", nil},
	{"Z710", "ISOLE MARIANNE SETTENTRIONALI", "territorio", "MARIANNE", nil},
	{"Z714", "ATOLLO DI NIUE", "territorio", "SAVAGE", []string{"ATOLLO DI NIUE"}},
	{"Z715", "ISOLA NORFOLK", "territorio", "NORFOLK", nil},
	{"Z716", "ISOLE DELLA NUOVA CALEDONIA", "territorio", "NUOVA CALEDONIA", []string{"ISOLE DELLA NUOVA CALEDONIA"}},
	{"Z722", "ISOLA DI PITCAIRN", "territorio", "PITCAIRN", []string{"ISOLA DI PITCAIRN"}},
	{"Z723", "POLINESIA FRANCESE", "territorio", "Polinesia Francese", []string{"POLINESIA FRANCESE"}},
	{"Z725", "SAMOA AMERICANE", "territorio", "SAMOA AMERICANE", nil},
	{"Z727", "TOKELAU", "territorio", "TOKELAU", nil},
}

// leggiAltriEsteri builds the rows of altri_esteri.tsv from the records of
// the ANPR table of foreign states and the python-codicefiscale files in dir.
func leggiAltriEsteri(anpr []map[string]string, dir string) ([]riga, error) {
	conCodice := map[string]bool{}
	senzaCodice := map[string]map[string]string{} // by DENOMINAZIONE
	for _, m := range anpr {
		if m["CODAT"] != "" {
			conCodice[m["CODAT"]] = true
		} else {
			senzaCodice[m["DENOMINAZIONE"]] = m
		}
	}
	var cessati, patch []statoPCF
	if err := leggiJSON(filepath.Join(dir, filePCF[0]), &cessati); err != nil {
		return nil, err
	}
	if err := leggiJSON(filepath.Join(dir, filePCF[1]), &patch); err != nil {
		return nil, err
	}
	vecchi, err := leggiVecchi(filepath.Join(dir, filePCF[2]))
	if err != nil {
		return nil, err
	}
	perPatch := map[string]statoPCF{}
	for _, s := range patch {
		perPatch[s.Code] = s
	}
	var out []riga
	aggiungi := func(r riga) {
		if conCodice[r.codice] {
			log.Printf("codice %s: ANPR lo ha, %s non viene aggiunto", r.codice, r.nome)
			return
		}
		out = append(out, r)
	}
	for _, s := range cessati {
		r := riga{codice: s.Code, nome: strings.ToUpper(s.Name), tipo: "stato", fonte: "pcf-0.12.0/deleted-countries"}
		if r.dal, r.al, err = datePCF(s); err != nil {
			return nil, err
		}
		aggiungi(r)
	}
	rivisti := map[string]bool{}
	for _, t := range territori {
		r, err := t.riga(senzaCodice, perPatch, vecchi)
		if err != nil {
			return nil, err
		}
		rivisti[t.codice] = true
		aggiungi(r)
	}
	for _, s := range patch {
		if !rivisti[s.Code] {
			return nil, fmt.Errorf("%s: %s %s non è nell'elenco rivisto dei territori", filePCF[1], s.Code, s.Name)
		}
	}
	ordina(out)
	for i, r := range out {
		if !strings.HasPrefix(r.codice, "Z") || !reBelfiore.MatchString(r.codice) {
			return nil, fmt.Errorf("codice non valido %q", r.codice)
		}
		if i > 0 && out[i-1].codice == r.codice {
			return nil, fmt.Errorf("codice %s ripetuto", r.codice)
		}
	}
	return out, nil
}

// riga makes the row of a reviewed territory. The code must be the one
// python-codicefiscale gives the place; the dates are ANPR's when ANPR
// lists the place, else those of countries-patch.json, else conventional.
func (t territorio) riga(anpr map[string]map[string]string, patch map[string]statoPCF, vecchi map[string]string) (riga, error) {
	r := riga{codice: t.codice, nome: t.nome, tipo: t.tipo, dal: dalConvenzionale}
	if p, ok := patch[t.codice]; ok {
		if !strings.EqualFold(p.Name, t.nomePCF) {
			return riga{}, fmt.Errorf("%s: %s è %q, non %q", filePCF[1], t.codice, p.Name, t.nomePCF)
		}
		var err error
		if r.dal, r.al, err = datePCF(p); err != nil {
			return riga{}, err
		}
		r.fonte = "pcf-0.12.0/countries-patch"
	} else {
		if !strings.EqualFold(vecchi[t.codice], t.nomePCF) {
			return riga{}, fmt.Errorf("%s: %s è %q, non %q", filePCF[2], t.codice, vecchi[t.codice], t.nomePCF)
		}
		r.fonte = "pcf-0.3.9"
	}
	for i, nome := range t.anpr {
		m, ok := anpr[nome]
		if !ok {
			return riga{}, fmt.Errorf("%s: ANPR non ha più il territorio %q senza codice", t.codice, nome)
		}
		dal, err := isoDate(m["DATAINIZIOVALIDITA"])
		if err != nil {
			return riga{}, fmt.Errorf("territorio %s: %w", nome, err)
		}
		al, err := isoDate(m["DATAFINEVALIDITA"])
		if err != nil {
			return riga{}, fmt.Errorf("territorio %s: %w", nome, err)
		}
		if al == aperta {
			al = ""
		}
		switch {
		case i == 0:
			r.dal, r.al = dal, al
		case dal < r.dal:
			r.dal = dal
		}
		if r.al != "" && (al == "" || al > r.al) {
			r.al = al
		}
	}
	if len(t.anpr) > 0 {
		r.fonte += "+ANPR"
	}
	return r, nil
}

// datePCF converts the dates of a python-codicefiscale record, written
// 1900-01-01T00:00:00, an empty date_deleted meaning still valid.
func datePCF(s statoPCF) (dal, al string, err error) {
	const layout = "2006-01-02T15:04:05"
	d, err := time.Parse(layout, s.DateCreated)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", s.Code, err)
	}
	dal = d.Format(time.DateOnly)
	if s.DateDeleted == "" {
		return dal, "", nil
	}
	a, err := time.Parse(layout, s.DateDeleted)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", s.Code, err)
	}
	if a.Before(d) {
		return "", "", fmt.Errorf("%s: cessazione prima dell'inizio", s.Code)
	}
	return dal, a.Format(time.DateOnly), nil
}

func leggiJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// reVecchio matches a foreign place in the Python list of release 0.3.9:
// { "code":"Z122", "province":"EE", "name":"MAN", },
var reVecchio = regexp.MustCompile(`\{\s*"code"\s*:\s*"(Z\d{3})"\s*,\s*"province"\s*:\s*"EE"\s*,\s*"name"\s*:\s*"([^"]*)"`)

// leggiVecchi returns the names of the Z-codes of release 0.3.9, by code.
func leggiVecchi(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range reVecchio.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = m[2]
	}
	if len(out) < 200 {
		return nil, fmt.Errorf("%s: solo %d luoghi esteri", path, len(out))
	}
	return out, nil
}
