// Package sedi holds the Inail territorial offices (sedi) that examine the
// requests, and the default list the application starts with.
package sedi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Sede is an Inail territorial office. Codice is the province sigla of its seat
// and appears in protocol numbers (MI-2026-000123); ProvinceServite are the
// provinces whose applicants it serves.
type Sede struct {
	Codice          string   `json:"codice"`
	Nome            string   `json:"nome"`
	Citta           string   `json:"citta"`
	Provincia       string   `json:"provincia"`
	ProvinceServite []string `json:"province_servite"`
	Indirizzo       string   `json:"indirizzo"`
	CAP             string   `json:"cap"`
	Telefono        string   `json:"telefono"`
	Email           string   `json:"email"`
	PEC             string   `json:"pec"`
	Orari           string   `json:"orari"`
}

//go:embed default.json
var defaultJSON []byte

// Default returns the built-in list: one sede per province, in the capoluogo,
// with contact details left empty for the administrator to complete. It is not
// official Inail data.
func Default() ([]Sede, error) {
	var doc struct {
		Nota string `json:"nota"`
		Sedi []Sede `json:"sedi"`
	}
	dec := json.NewDecoder(bytes.NewReader(defaultJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("sedi: default.json: %w", err)
	}
	return doc.Sedi, nil
}

// IndirizzoCompleto returns the postal address on one line, e.g.
// "Via Roma 1, 20121 Milano (MI)", or "" while the street address is still
// missing, so that pages can say it is to be completed.
// Completa reports whether the sede's data tell the public where to go and
// how to reach it: address, opening hours, and a phone or an e-mail.
func (s Sede) Completa() bool { return len(s.Mancanti()) == 0 }

// Mancanti lists what the public needs of the sede and its data lack, for
// the administrator.
func (s Sede) Mancanti() []string {
	var out []string
	if strings.TrimSpace(s.Indirizzo) == "" {
		out = append(out, "indirizzo")
	}
	if strings.TrimSpace(s.Orari) == "" {
		out = append(out, "orari")
	}
	if strings.TrimSpace(s.Telefono) == "" && strings.TrimSpace(s.Email) == "" {
		out = append(out, "telefono o e-mail")
	}
	return out
}

func (s Sede) IndirizzoCompleto() string {
	if strings.TrimSpace(s.Indirizzo) == "" {
		return ""
	}
	localita := strings.TrimSpace(s.CAP + " " + s.Citta)
	if s.Provincia != "" {
		localita += " (" + s.Provincia + ")"
	}
	return strings.TrimSpace(s.Indirizzo) + ", " + strings.TrimSpace(localita)
}
