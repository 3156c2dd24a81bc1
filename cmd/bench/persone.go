package main

import (
	"fmt"
	"time"

	"abilita/cf"
	"abilita/domain"
)

// The people of the data sets: persona(i) is a different person for every
// i below a few million, with a codice fiscale consistent with its name,
// sex, birth date and birthplace, so that accounts (whose codice fiscale is
// a unique index) and drafts (which must pass every check to be submitted)
// can be made in bulk.

// luogo is a comune with its Belfiore code: where people are born and live.
type luogo struct{ Comune, Provincia, Belfiore, CAP string }

// luoghi are the comuni of the data sets; each is the seat of a sede.
var luoghi = []luogo{
	{"Pisa", "PI", "G702", "56121"}, {"Roma", "RM", "H501", "00185"}, {"Milano", "MI", "F205", "20121"},
	{"Napoli", "NA", "F839", "80133"}, {"Torino", "TO", "L219", "10121"}, {"Firenze", "FI", "D612", "50122"},
	{"Bologna", "BO", "A944", "40121"}, {"Bari", "BA", "A662", "70121"}, {"Livorno", "LI", "E625", "57123"},
	{"Lucca", "LU", "E715", "55100"},
}

// Surnames and first names, kept only where their three-letter codes in the
// codice fiscale differ (senzaDoppioni), so that different people never
// share a codice fiscale.
var (
	cognomi = senzaDoppioni(cf.CodiceCognome, []string{"Rossi", "Bianchi", "Verdi", "Ferrari", "Esposito", "Romano",
		"Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
		"Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Caruso", "Ferraro", "Fabbri", "Leone",
		"Longo", "Gentile", "Martinelli", "Vitale", "Serra", "Pellegrini", "Palumbo", "Sanna", "Farina", "Monti"})
	nomiM = senzaDoppioni(cf.CodiceNome, []string{"Mario", "Luca", "Marco", "Giuseppe", "Paolo", "Andrea", "Francesco",
		"Alessandro", "Stefano", "Roberto", "Davide", "Matteo", "Simone", "Federico", "Lorenzo", "Giovanni", "Antonio",
		"Riccardo", "Claudio", "Fabio", "Enrico", "Massimo"})
	nomiF = senzaDoppioni(cf.CodiceNome, []string{"Maria", "Anna", "Giulia", "Elena", "Francesca", "Chiara", "Sara",
		"Laura", "Valentina", "Silvia", "Paola", "Federica", "Alessia", "Roberta", "Martina", "Cristina", "Beatrice",
		"Elisa", "Ilaria", "Monica", "Giorgia", "Serena"})
)

func senzaDoppioni(codice func(string) string, nomi []string) []string {
	visti := map[string]bool{}
	var out []string
	for _, n := range nomi {
		if c := codice(n); !visti[c] {
			visti[c] = true
			out = append(out, n)
		}
	}
	return out
}

// persona is one person of the data sets.
type persona struct {
	Cognome, Nome, Sesso string
	Nascita              time.Time
	Luogo                luogo
	CodiceFiscale        string
}

// giorniNascita spans the birth dates, 1950 to 1998: everyone is of age.
const giorniNascita = 17900

// nuovaPersona returns person i: sex, birth date, first name and surname are
// the digits of i in mixed bases, so two indices never give the same
// codice fiscale.
func nuovaPersona(i int) persona {
	sesso, i := i%2, i/2
	giorno, i := i%giorniNascita, i/giorniNascita
	nomi := nomiM
	if sesso == 1 {
		nomi = nomiF
	}
	nome, i := nomi[i%len(nomi)], i/len(nomi)
	p := persona{
		Cognome: cognomi[i%len(cognomi)], Nome: nome, Sesso: "MF"[sesso : sesso+1],
		Nascita: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, giorno),
		Luogo:   luoghi[(i+giorno)%len(luoghi)],
	}
	gg := p.Nascita.Day() + 40*sesso
	s := fmt.Sprintf("%s%s%02d%c%02d%s", cf.CodiceCognome(p.Cognome), cf.CodiceNome(p.Nome), p.Nascita.Year()%100,
		"ABCDEHLMPRST"[p.Nascita.Month()-1], gg, p.Luogo.Belfiore)
	p.CodiceFiscale = s + string(cf.CarattereControllo(s))
	return p
}

// Email is the person's address, made unique by i.
func (p persona) Email(i int) string {
	return fmt.Sprintf("%s.%s.%d@example.it", sempliceASCII(p.Nome), sempliceASCII(p.Cognome), i)
}

// sempliceASCII keeps the lower-case letters of s.
func sempliceASCII(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			out = append(out, byte(r))
		case r >= 'A' && r <= 'Z':
			out = append(out, byte(r-'A'+'a'))
		}
	}
	return string(out)
}

// controllaLuoghi checks the table of comuni against the ANPR data the
// server validates with, so that a wrong Belfiore code fails here and not
// as a refused submission in the middle of a measurement.
func controllaLuoghi(oggi time.Time) error {
	for _, l := range luoghi {
		trovati, ok := cf.TrovaComune(l.Comune, l.Provincia, oggi)
		if !ok || len(trovati) != 1 || trovati[0].Codice != l.Belfiore {
			return fmt.Errorf("the comune %s (%s) is not %s in the ANPR data", l.Comune, l.Provincia, l.Belfiore)
		}
	}
	return nil
}

// utente is a new account of the person.
func (p persona) utente(i int, ruolo domain.Ruolo, hash string, ora time.Time) domain.Utente {
	return domain.Utente{Ruolo: ruolo, Email: p.Email(i), CodiceFiscale: p.CodiceFiscale, Cognome: p.Cognome, Nome: p.Nome,
		PasswordHash: hash, EmailVerificata: ora, Creato: ora}
}
