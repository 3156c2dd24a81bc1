package pdf

import (
	"bytes"
	"testing"
	"time"
)

func lettera() Lettera {
	return Lettera{
		Consegna: sede, Cognome: "D'Alò", Nome: "Nicolò", Identificativo: "DLANCL80C15D704X",
		Profilo: "Medico esterno", CodiceMedico: "M0000042", Protocollo: "FC-2026-000123",
		Parte2: "7K3M-QX9P-2T", Scade: time.Date(2026, 11, 28, 9, 40, 0, 0, time.UTC),
		Indirizzo: "https://abilita.example.it/attivazione",
	}
}

func TestLetteraAttivazione(t *testing.T) {
	doc, err := LetteraAttivazione(lettera(), generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "lettera", s, titoloLettera, "Forlì", "FC-2026-000123", "D'Alò Nicolò", "DLANCL80C15D704X",
		"Medico esterno", "M0000042", "7K3M-QX9P-2T", "28/11/2026 alle 10:40", "https://abilita.example.it/attivazione",
		"la prima parte del codice ricevuta per e-mail", "Le credenziali sono personali")
	nonContiene(t, "lettera", s, "Codice struttura", "Indirizzo e-mail (nome utente)")
	if n := pagine(t, s, notaLettera); n != 1 {
		t.Errorf("the letter takes %d pages, want 1", n)
	}
	again, err := LetteraAttivazione(lettera(), generato)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, again) {
		t.Error("two renderings of the same letter differ")
	}
}

func TestLetteraOperatore(t *testing.T) {
	l := Lettera{Cognome: "Neri", Nome: "Lucia", Identificativo: "lucia.neri@inail.test", Profilo: "Operatore di sede – Sede di Pisa",
		Parte2: "ABCD-EFGH-JK", Scade: generato.Add(72 * time.Hour), Indirizzo: "http://localhost:8080/attivazione"}
	doc, err := LetteraAttivazione(l, generato)
	if err != nil {
		t.Fatal(err)
	}
	s := testo(t, doc)
	contiene(t, "lettera", s, "Amministrazione del servizio Abilita", "Indirizzo e-mail (nome utente)", "lucia.neri@inail.test",
		"ABCD-EFGH-JK", "il tuo indirizzo e-mail", "Operatore di sede – Sede di Pisa")
	nonContiene(t, "lettera", s, "Richiesta approvata", "Codice medico")
}

func TestLetteraSenzaCodice(t *testing.T) {
	l := lettera()
	l.Parte2 = ""
	if _, err := LetteraAttivazione(l, generato); err == nil {
		t.Error("a letter without the code was rendered")
	}
}
