package domain_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome on machines without zoneinfo

	"abilita/cf"
	"abilita/domain"
)

// codiceFiscale computes the code of a person with the functions of package
// cf, so that each case below states the person, not 16 opaque letters.
func codiceFiscale(cognome, nome, sesso, nascita, luogo string) string {
	d, err := time.Parse(domain.Data, nascita)
	if err != nil {
		panic(err)
	}
	g := d.Day()
	if sesso == "F" {
		g += 40
	}
	s := fmt.Sprintf("%s%s%02d%c%02d%s", cf.CodiceCognome(cognome), cf.CodiceNome(nome), d.Year()%100, "ABCDEHLMPRST"[d.Month()-1], g, luogo)
	return s + string(cf.CarattereControllo(s))
}

func TestCodiceFiscaleDiProva(t *testing.T) {
	if got := codiceFiscale("Rossi", "Mario", "M", "1985-12-10", "A562"); got != "RSSMRA85T10A562S" {
		t.Fatalf("codiceFiscale(Rossi Mario) = %s, want RSSMRA85T10A562S", got)
	}
	l, ok := cf.LuogoPerCodice("A562", time.Date(1985, 12, 10, 0, 0, 0, 0, time.UTC))
	if !ok || l.Nome != "SAN GIULIANO TERME" || l.Provincia != "PI" {
		t.Fatalf("A562 nel 1985 = %+v, %v", l, ok)
	}
	// The ceased comune of the tests below must really have ceased.
	if _, ok := cf.LuogoPerCodice("A031", time.Time{}); ok {
		t.Fatal("ACQUACANINA (A031) esiste ancora oggi: scegli un altro comune cessato")
	}
	if l, ok := cf.LuogoPerCodice("A031", time.Date(1980, 5, 20, 0, 0, 0, 0, time.UTC)); !ok || l.Nome != "ACQUACANINA" {
		t.Fatalf("A031 nel 1980 = %+v, %v", l, ok)
	}
}

// persona sets the applicant's data and a code consistent with them.
func persona(cognome, nome, sesso, nascita, luogo, provincia, codice string) func(*domain.Richiesta) {
	return func(r *domain.Richiesta) {
		a := &r.Anagrafica
		a.Cognome, a.Nome, a.Sesso, a.DataNascita = cognome, nome, sesso, nascita
		a.LuogoNascita, a.ProvinciaNascita = luogo, provincia
		a.CodiceFiscale = codiceFiscale(cognome, nome, sesso, nascita, codice)
	}
}

func TestValidaAnagraficaRisolveIlLuogo(t *testing.T) {
	tests := []struct {
		nome                   string
		modifica               func(*domain.Richiesta)
		codiceLuogo, provincia string
	}{
		{"comune con provincia", func(*domain.Richiesta) {}, "A562", "PI"},
		{"comune senza provincia", func(r *domain.Richiesta) { r.Anagrafica.ProvinciaNascita = "" }, "A562", "PI"},
		{"comune come lo propone l'elenco", func(r *domain.Richiesta) {
			r.Anagrafica.LuogoNascita, r.Anagrafica.ProvinciaNascita = "San Giuliano Terme (PI)", ""
		}, "A562", "PI"},
		{"comune in maiuscolo", func(r *domain.Richiesta) { r.Anagrafica.LuogoNascita = "SAN GIULIANO TERME" }, "A562", "PI"},
		{"donna nata a Milano", persona("Bianchi", "Anna", "F", "1990-03-25", "Milano", "MI", "F205"), "F205", "MI"},
		{"nata in Francia", persona("Martin", "Claire", "F", "1988-07-14", "Francia", "", "Z110"), "Z110", "EE"},
		{"nata in Francia, provincia EE", persona("Martin", "Claire", "F", "1988-07-14", "francia", "EE", "Z110"), "Z110", "EE"},
		{"comune cessato", persona("Verdi", "Luigi", "M", "1980-05-20", "Acquacanina", "MC", "A031"), "A031", "MC"},
		{"comune cessato senza provincia", persona("Verdi", "Luigi", "M", "1980-05-20", "Acquacanina", "", "A031"), "A031", "MC"},
		{"provincia cambiata dopo la nascita", persona("Neri", "Paolo", "M", "1980-01-31", "Abbadia Cerreto", "LO", "A004"), "A004", "MI"},
		{"comune con il nome di allora", persona("Neri", "Paolo", "M", "1930-06-01", "Bagni San Giuliano", "PI", "A562"), "A562", "PI"},
	}
	for _, tt := range tests {
		t.Run(tt.nome, func(t *testing.T) {
			r := richiestaValida()
			tt.modifica(r)
			r.Anagrafica.CodiceLuogo = "Z999" // stale: must be recomputed
			if e := r.Valida(domain.PassoAnagrafica, oggi); len(e) != 0 {
				t.Fatalf("errori inattesi: %v", e)
			}
			a := r.Anagrafica
			if a.CodiceLuogo != tt.codiceLuogo || a.ProvinciaNascita != tt.provincia {
				t.Errorf("CodiceLuogo, ProvinciaNascita = %q, %q; want %q, %q", a.CodiceLuogo, a.ProvinciaNascita, tt.codiceLuogo, tt.provincia)
			}
		})
	}
}

func TestValidaAnagrafica(t *testing.T) {
	provaPasso(t, domain.PassoAnagrafica, oggi, []casoPasso{
		{"valida", func(*domain.Richiesta) {}, nil, ""},
		{"codice fiscale scritto male", func(r *domain.Richiesta) { r.Anagrafica.CodiceFiscale = " rssmra85t10a562s " }, nil, ""},
		{"omocodia", func(r *domain.Richiesta) { r.Anagrafica.CodiceFiscale = "RSSMRA85T10A56NH" }, nil, ""},
		{"cognome incoerente", func(r *domain.Richiesta) { r.Anagrafica.Cognome = "Bianchi" }, []string{"cognome"}, "non corrisponde"},
		{"nome incoerente", func(r *domain.Richiesta) { r.Anagrafica.Nome = "Marco" }, []string{"nome"}, "non corrisponde"},
		{"sesso incoerente", func(r *domain.Richiesta) { r.Anagrafica.Sesso = "F" }, []string{"sesso"}, "non corrisponde"},
		{"sesso mancante", func(r *domain.Richiesta) { r.Anagrafica.Sesso = "" }, []string{"sesso"}, ""},
		{"data incoerente", func(r *domain.Richiesta) { r.Anagrafica.DataNascita = "1985-12-11" }, []string{"data_nascita"}, "non corrisponde"},
		{"luogo incoerente", func(r *domain.Richiesta) { r.Anagrafica.LuogoNascita = "Pisa" }, []string{"luogo_nascita"}, "non corrisponde"},
		{"comune nella provincia sbagliata", func(r *domain.Richiesta) { r.Anagrafica.ProvinciaNascita = "MI" }, []string{"luogo_nascita"}, "non trovato"},
		{"comune inesistente", func(r *domain.Richiesta) { r.Anagrafica.LuogoNascita = "Paperopoli" }, []string{"luogo_nascita"}, "non trovato"},
		{"stato estero inesistente", func(r *domain.Richiesta) {
			r.Anagrafica.LuogoNascita, r.Anagrafica.ProvinciaNascita = "Atlantide", "EE"
		}, []string{"luogo_nascita"}, "Stato estero"},
		{"comune cessato prima della nascita", persona("Verdi", "Luigi", "M", "2000-05-20", "Contarina", "RO", "C967"), []string{"luogo_nascita"}, "alla data di nascita"},
		{"comune ambiguo senza provincia", persona("Gatti", "Sara", "F", "1979-09-03", "Castro", "", "C337"), []string{"provincia_nascita"}, "provincia"},
		{"comune ambiguo con provincia", persona("Gatti", "Sara", "F", "1979-09-03", "Castro", "BG", "C337"), nil, ""},
		{"codice fiscale mancante", func(r *domain.Richiesta) { r.Anagrafica.CodiceFiscale = "" }, []string{"codice_fiscale"}, ""},
		{"carattere di controllo sbagliato", func(r *domain.Richiesta) { r.Anagrafica.CodiceFiscale = "RSSMRA85T10A562T" }, []string{"codice_fiscale"}, "controllo"},
		{"codice fiscale corto", func(r *domain.Richiesta) { r.Anagrafica.CodiceFiscale = "RSSMRA85T10A562" }, []string{"codice_fiscale"}, "16"},
		{"cognome con cifre", func(r *domain.Richiesta) { r.Anagrafica.Cognome = "R0ssi" }, []string{"cognome"}, "lettere"},
		{"cognome con markup", func(r *domain.Richiesta) { r.Anagrafica.Cognome = "<b>Rossi</b>" }, []string{"cognome"}, ""},
		{"cittadinanza mancante", func(r *domain.Richiesta) { r.Anagrafica.Cittadinanza = "" }, []string{"cittadinanza"}, ""},
		{"data di nascita mancante", func(r *domain.Richiesta) { r.Anagrafica.DataNascita = "" }, []string{"data_nascita"}, ""},
		{"data di nascita nel formato sbagliato", func(r *domain.Richiesta) { r.Anagrafica.DataNascita = "10/12/1985" }, []string{"data_nascita"}, "non è valida"},
		{"nascita futura", persona("Rossi", "Mario", "M", "2026-03-16", "San Giuliano Terme", "PI", "A562"), []string{"data_nascita"}, "futuro"},
		{"minorenne", persona("Rossi", "Mario", "M", "2008-03-16", "San Giuliano Terme", "PI", "A562"), []string{"data_nascita"}, "maggiorenne"},
		{"diciotto anni oggi", persona("Rossi", "Mario", "M", "2008-03-15", "San Giuliano Terme", "PI", "A562"), nil, ""},

		{"residenza: comune inesistente", func(r *domain.Richiesta) { r.Residenza.Comune = "Paperopoli" }, []string{"res_comune"}, "non trovato"},
		{"residenza: comune ambiguo", func(r *domain.Richiesta) { r.Residenza.Comune, r.Residenza.Provincia = "Castro", "" }, []string{"res_provincia"}, "provincia"},
		{"residenza: comune cessato", func(r *domain.Richiesta) { r.Residenza.Comune, r.Residenza.Provincia = "Acquacanina", "MC" }, []string{"res_comune"}, ""},
		{"residenza: comune senza provincia", func(r *domain.Richiesta) { r.Residenza.Provincia = "" }, nil, ""},
		{"residenza: mancante", func(r *domain.Richiesta) { r.Residenza = domain.Residenza{} }, []string{"res_indirizzo", "res_cap", "res_comune"}, ""},
		{"CAP di 4 cifre", func(r *domain.Richiesta) { r.Residenza.CAP = "5601" }, []string{"res_cap"}, "5 cifre"},
		{"CAP con lettere", func(r *domain.Richiesta) { r.Residenza.CAP = "5601A" }, []string{"res_cap"}, ""},

		{"e-mail mancante", func(r *domain.Richiesta) { r.Contatti.Email = "" }, []string{"email"}, ""},
		{"e-mail non valida", func(r *domain.Richiesta) { r.Contatti.Email = "mario.rossi@" }, []string{"email"}, "non è valido"},
		{"e-mail con nome", func(r *domain.Richiesta) { r.Contatti.Email = "Mario <mario@example.it>" }, []string{"email"}, ""},
		{"PEC valida", func(r *domain.Richiesta) { r.Contatti.PEC = "mario.rossi@pec.example.it" }, nil, ""},
		{"PEC non valida", func(r *domain.Richiesta) { r.Contatti.PEC = "mario.rossi@pec" }, []string{"pec"}, "PEC"},
		{"telefono mancante", func(r *domain.Richiesta) { r.Contatti.Telefono = "" }, nil, ""},
		{"telefono con trattino", func(r *domain.Richiesta) { r.Contatti.Telefono = "050-123456" }, []string{"telefono"}, ""},
		{"telefono troppo corto", func(r *domain.Richiesta) { r.Contatti.Telefono = "12345" }, []string{"telefono"}, ""},
		{"telefono con lettere", func(r *domain.Richiesta) { r.Contatti.Telefono = "050 CASA" }, []string{"telefono"}, ""},
	})
}

// TestValidaDateAMezzanotte validates just after midnight in Rome, while in
// UTC it is still the day before: a date typed for today is today, on the
// server's calendar, whatever the zone of the clock.
func TestValidaDateAMezzanotte(t *testing.T) {
	roma, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	mezzanotte := time.Date(2026, 3, 15, 0, 30, 0, 0, roma)
	provaPasso(t, domain.PassoDocumento, mezzanotte, []casoPasso{
		{"rilasciato oggi", func(r *domain.Richiesta) { r.Documento.DataRilascio = "2026-03-15" }, nil, ""},
		{"scade oggi", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-15" }, nil, ""},
		{"scaduto ieri", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-14" }, []string{"doc_scadenza"}, "scaduto"},
	})
	provaPasso(t, domain.PassoProfessione, mezzanotte, []casoPasso{
		{"iscritto all'Ordine oggi", func(r *domain.Richiesta) { r.Ordine.DataIscrizione = "2026-03-15" }, nil, ""},
	})
	provaPasso(t, domain.PassoAnagrafica, mezzanotte, []casoPasso{
		{"diciotto anni oggi", persona("Rossi", "Mario", "M", "2008-03-15", "San Giuliano Terme", "PI", "A562"), nil, ""},
		{"nato oggi", persona("Rossi", "Mario", "M", "2026-03-15", "San Giuliano Terme", "PI", "A562"), []string{"data_nascita"}, "maggiorenne"},
	})
}

func TestValidaAnagraficaLuogoSconosciutoAzzeraIlCodice(t *testing.T) {
	r := richiestaValida()
	r.Anagrafica.LuogoNascita = strings.Repeat("x", 50)
	if e := r.Valida(domain.PassoAnagrafica, oggi); r.Anagrafica.CodiceLuogo != "" || e["luogo_nascita"] == "" {
		t.Errorf("luogo sconosciuto: CodiceLuogo = %q, errori %v", r.Anagrafica.CodiceLuogo, e)
	}
}

// The province of residence follows from the comune, as the birth province
// does; a name several comuni share asks for it.
func TestProvinciaResidenzaDalComune(t *testing.T) {
	oggi := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	r := richiestaValida()
	r.Residenza.Comune, r.Residenza.Provincia = "San Giuliano Terme", ""
	if e := r.Valida(domain.PassoAnagrafica, oggi); e["res_comune"] != "" || e["res_provincia"] != "" {
		t.Fatalf("errors %v", e)
	}
	if r.Residenza.Provincia != "PI" {
		t.Errorf("province of residence %q, want PI", r.Residenza.Provincia)
	}
	r.Residenza.Comune, r.Residenza.Provincia = "Samone", "" // in Torino and in Trento
	if e := r.Valida(domain.PassoAnagrafica, oggi); e["res_provincia"] == "" {
		t.Errorf("a comune of two provinces without one: errors %v", e)
	}
}
