package domain_test

import (
	"errors"
	"testing"

	"abilita/domain"
)

// TestConsenti is the table of who may do what to a request: its author,
// another applicant, an operator of its sede (with it in charge or not), an
// operator of another sede, an administrator; on a draft, on a request
// waiting, in charge, waiting for an answer, decided.
func TestConsenti(t *testing.T) {
	autore := &domain.Utente{ID: 1, Ruolo: domain.RuoloRichiedente}
	altro := &domain.Utente{ID: 2, Ruolo: domain.RuoloRichiedente}
	op := &domain.Utente{ID: 3, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	collega := &domain.Utente{ID: 4, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	lontano := &domain.Utente{ID: 5, Ruolo: domain.RuoloOperatore, Sede: "MI"}
	admin := &domain.Utente{ID: 6, Ruolo: domain.RuoloAmministratore}
	senzaSede := &domain.Utente{ID: 7, Ruolo: domain.RuoloOperatore}

	bozza := &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoOnline, Stato: domain.StatoBozza}
	inviata := &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoOnline, Stato: domain.StatoInviata, Sede: "PI"}
	inCarico := &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoOnline, Stato: domain.StatoInLavorazione, Sede: "PI", Operatore: 3}
	attesa := &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoOnline, Stato: domain.StatoIntegrazioneRichiesta, Sede: "PI", Operatore: 3,
		Integrazioni: []domain.Integrazione{{Messaggio: "?"}}}
	decisa := &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoOnline, Stato: domain.StatoRespinta, Sede: "PI", Operatore: 3}
	sportello := &domain.Richiesta{Richiedente: 3, Percorso: domain.PercorsoSportello, Stato: domain.StatoBozza, Sede: "PI"}

	const (
		si        = ""
		assente   = domain.ErrNonTrovato
		vietato   = domain.ErrNonAmmesso
		conflitto = domain.ErrConflitto
	)
	for _, tt := range []struct {
		nome string
		u    *domain.Utente
		op   domain.Operazione
		r    *domain.Richiesta
		want domain.Codice
	}{
		{"l'autore vede la sua bozza", autore, domain.OpVedi, bozza, si},
		{"un altro non vede la bozza", altro, domain.OpVedi, bozza, assente},
		{"l'operatore non vede la bozza altrui", op, domain.OpVedi, bozza, assente},
		{"l'amministratore non vede la bozza", admin, domain.OpVedi, bozza, assente},
		{"l'operatore della sede vede l'inviata", op, domain.OpVedi, inviata, si},
		{"l'operatore di un'altra sede no", lontano, domain.OpVedi, inviata, assente},
		{"un operatore senza sede no", senzaSede, domain.OpVedi, inviata, assente},
		{"l'amministratore vede ogni sede", admin, domain.OpVedi, inviata, si},
		{"un altro richiedente non la vede", altro, domain.OpVedi, inviata, assente},
		{"l'autore segue la sua", autore, domain.OpSegui, inviata, si},
		{"l'operatore non la segue come autore", op, domain.OpSegui, inviata, assente},
		{"l'autore compila la bozza", autore, domain.OpCompila, bozza, si},
		{"non compila l'inviata", autore, domain.OpCompila, inviata, conflitto},
		{"ma ne scarica il modulo", autore, domain.OpModulo, inviata, si},
		{"l'operatore compila la bozza allo sportello", op, domain.OpCompila, sportello, si},
		{"il collega no", collega, domain.OpCompila, sportello, assente},
		{"un richiedente non compila una bozza dello sportello", autore, domain.OpCompila, &domain.Richiesta{Richiedente: 1, Percorso: domain.PercorsoSportello, Stato: domain.StatoBozza, Sede: "PI"}, assente},
		{"l'autore annulla", autore, domain.OpAnnulla, inviata, si},
		{"un altro no", altro, domain.OpAnnulla, inviata, assente},
		{"l'operatore prende in carico", op, domain.OpPrendiInCarico, inviata, si},
		{"l'amministratore no", admin, domain.OpPrendiInCarico, inviata, assente},
		{"di un'altra sede no", lontano, domain.OpPrendiInCarico, inviata, assente},
		{"già in carico", collega, domain.OpPrendiInCarico, inCarico, conflitto},
		{"chi l'ha in carico decide", op, domain.OpLavora, inCarico, si},
		{"il collega no", collega, domain.OpLavora, inCarico, vietato},
		{"di un'altra sede non la trova", lontano, domain.OpLavora, inCarico, assente},
		{"l'autore risponde all'integrazione", autore, domain.OpRispondi, attesa, si},
		{"non risponde se nessuno chiede", autore, domain.OpRispondi, inCarico, conflitto},
		{"un altro non risponde", altro, domain.OpRispondi, attesa, assente},
		{"l'amministratore reinstrada l'inviata", admin, domain.OpReinstrada, inviata, si},
		{"non quella in carico", admin, domain.OpReinstrada, inCarico, conflitto},
		{"non quella decisa", admin, domain.OpReinstrada, decisa, conflitto},
		{"l'operatore non reinstrada", op, domain.OpReinstrada, inviata, assente},
		{"nessuno senza accesso", nil, domain.OpVedi, inviata, assente},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			err := domain.Consenti(tt.u, tt.op, tt.r)
			if tt.want == si {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if got := domain.CodiceDi(err); got != tt.want {
				t.Fatalf("error %v (%s), want %s", err, got, tt.want)
			}
		})
	}
	var gia *domain.GiaInCarico
	if err := domain.Consenti(collega, domain.OpPrendiInCarico, inCarico); !errors.As(err, &gia) || gia.Operatore != 3 {
		t.Errorf("taking in charge a request another has: %v, want GiaInCarico naming operator 3", err)
	}
}

func TestConsentiAccount(t *testing.T) {
	op := &domain.Utente{ID: 3, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	admin := &domain.Utente{ID: 6, Ruolo: domain.RuoloAmministratore}
	titolare := &domain.Utente{ID: 10, Ruolo: domain.RuoloRichiedente, TOTP: &domain.TOTP{}, Abilitazioni: []domain.Abilitazione{{Sede: "PI"}}}
	altrove := &domain.Utente{ID: 11, Ruolo: domain.RuoloRichiedente, Abilitazioni: []domain.Abilitazione{{Sede: "MI"}}}
	revocato := &domain.Utente{ID: 12, Ruolo: domain.RuoloRichiedente, Revocato: true, Abilitazioni: []domain.Abilitazione{{Sede: "PI"}}}
	senzaApp := &domain.Utente{ID: 13, Ruolo: domain.RuoloRichiedente, Abilitazioni: []domain.Abilitazione{{Sede: "PI"}}}
	collega := &domain.Utente{ID: 14, Ruolo: domain.RuoloOperatore, Sede: "PI", PasswordHash: "x", TOTP: &domain.TOTP{}}
	nuovo := &domain.Utente{ID: 15, Ruolo: domain.RuoloOperatore, Sede: "PI"}
	for _, tt := range []struct {
		nome    string
		chi     *domain.Utente
		op      domain.OperazioneAccount
		u       *domain.Utente
		want    domain.Codice
		ammesso bool
	}{
		{"l'operatore sospende un titolare della sede", op, domain.OpSospendi, titolare, "", true},
		{"non uno di un'altra sede", op, domain.OpSospendi, altrove, domain.ErrNonTrovato, false},
		{"non un collega", op, domain.OpSospendi, collega, domain.ErrNonTrovato, false},
		{"non un revocato", op, domain.OpSospendi, revocato, domain.ErrConflitto, false},
		{"non revoca due volte", op, domain.OpRevoca, revocato, domain.ErrConflitto, false},
		{"non emette codici a un revocato", op, domain.OpRiemettiCodice, revocato, domain.ErrConflitto, false},
		{"azzera l'app", op, domain.OpAzzeraTOTP, titolare, "", true},
		{"non un'app che non c'è", op, domain.OpAzzeraTOTP, senzaApp, domain.ErrConflitto, false},
		{"l'amministratore sospende un operatore", admin, domain.OpSospendi, collega, "", true},
		{"non se stesso", admin, domain.OpSospendi, admin, domain.ErrConflitto, false},
		{"non un titolare", admin, domain.OpSospendi, titolare, domain.ErrNonTrovato, false},
		{"riemette a chi non ha attivato", admin, domain.OpRiemettiCodice, nuovo, "", true},
		{"non a chi è attivo", admin, domain.OpRiemettiCodice, collega, domain.ErrConflitto, false},
		{"un titolare non agisce sugli account", titolare, domain.OpSospendi, senzaApp, domain.ErrNonTrovato, false},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			err := domain.ConsentiAccount(tt.chi, tt.op, tt.u)
			if tt.ammesso != (err == nil) || (err != nil && domain.CodiceDi(err) != tt.want) {
				t.Errorf("ConsentiAccount = %v (%s), want allowed %v / %s", err, domain.CodiceDi(err), tt.ammesso, tt.want)
			}
		})
	}
}

func TestValidaAccount(t *testing.T) {
	sedi := func(s string) bool { return s == "PI" }
	for _, tt := range []struct {
		nome   string
		u      domain.Utente
		sedi   func(string) bool
		errori []string
	}{
		{"registrazione corretta", domain.Utente{Ruolo: domain.RuoloRichiedente, CodiceFiscale: "RSSMRA85T10A562S", Cognome: "Rossi", Nome: "Mario", Email: "m@example.it"}, nil, nil},
		{"cognome che non torna", domain.Utente{Ruolo: domain.RuoloRichiedente, CodiceFiscale: "RSSMRA85T10A562S", Cognome: "Bianchi", Nome: "Mario", Email: "m@example.it"}, nil, []string{"cognome"}},
		{"codice fiscale sbagliato", domain.Utente{Ruolo: domain.RuoloRichiedente, CodiceFiscale: "RSSMRA85T10A562X", Cognome: "Rossi", Nome: "Mario", Email: "m@example.it"}, nil, []string{"codice_fiscale"}},
		{"campi vuoti", domain.Utente{Ruolo: domain.RuoloAmministratore}, nil, []string{"cognome", "nome", "email"}},
		{"operatore senza sede", domain.Utente{Ruolo: domain.RuoloOperatore, Cognome: "N", Nome: "L", Email: "l@inail.it"}, sedi, []string{"sede"}},
		{"sede inesistente", domain.Utente{Ruolo: domain.RuoloOperatore, Cognome: "N", Nome: "L", Email: "l@inail.it", Sede: "XX"}, sedi, []string{"sede"}},
		{"ruolo mancante", domain.Utente{Cognome: "N", Nome: "L", Email: "l@inail.it"}, sedi, []string{"ruolo"}},
		{"testo con markup", domain.Utente{Ruolo: domain.RuoloAmministratore, Cognome: "<b>", Nome: "L", Email: "l@inail.it"}, nil, []string{"cognome"}},
	} {
		t.Run(tt.nome, func(t *testing.T) {
			e := domain.Errori{}
			u := tt.u
			u.Valida(e, tt.sedi)
			for _, campo := range tt.errori {
				if e[campo] == "" {
					t.Errorf("no error on %s: %v", campo, e)
				}
			}
			if len(e) != len(tt.errori) {
				t.Errorf("errors %v, want only on %v", e, tt.errori)
			}
		})
	}
}
