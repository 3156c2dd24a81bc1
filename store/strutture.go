package store

import (
	"errors"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"abilita/domain"
)

// Hospital structures (domain/struttura.go): the referente enables its
// structure's medici ospedalieri, suspends, reactivates and revokes them,
// issues them a new code; the sede that approved the referente suspends
// them. Each is one transaction with the rule checked on the records read,
// the audit entries and the messages, composed by the caller before.

// Refusals of AbilitaMedico, in the referente's words: titolareDi speaks
// to the operator who approves a request.
var (
	errMedicoAltroAccount = domain.Conflitto("Questo codice fiscale ha già le credenziali su un account con un altro indirizzo e-mail: " +
		"le credenziali si emettono solo a quell'account. Chiedi al medico l'indirizzo e-mail con cui accede ai servizi Inail e indica quello.")
	errEmailAltraPersona = domain.Conflitto("L'indirizzo e-mail appartiene a un account con le credenziali di un'altra persona: " +
		"chiedi al medico il suo indirizzo personale.")
	errEmailPersonale = domain.Conflitto("L'indirizzo e-mail appartiene a un account del personale Inail: indica l'indirizzo personale del medico.")
	errSeStesso       = domain.Conflitto("Non puoi abilitare te stesso come medico della struttura: rivolgiti alla sede Inail.")
	errGiaAbilitato   = domain.Conflitto("Il medico è già abilitato per questa struttura: lo trovi nell'elenco dei medici.")
)

// AbilitazioneMedico is what enabling a doctor writes besides the doctor's
// data: the activation code made by the caller (part 2 sealed in it for
// the referente) and the e-mail with part 1, to the address typed.
type AbilitazioneMedico struct {
	Medico   domain.NuovoMedico
	Codice   domain.Attivazione
	Messaggi []domain.Messaggio
}

// MedicoAbilitato is the outcome of AbilitaMedico.
type MedicoAbilitato struct {
	Utente       *domain.Utente
	NuovoAccount bool // nobody held the codice fiscale or the address
}

// AbilitaMedico has the referente a.Chi enable a doctor of the structure
// m.Medico.CodiceStruttura: the account of the person (found as an approval
// finds it, by the address typed, never bound to an account of that codice
// fiscale with another address), created if there is none, gets the
// enablement and the activation code, and part 1 is queued.
func (s *Store) AbilitaMedico(a Atto, m AbilitazioneMedico) (MedicoAbilitato, error) {
	var out MedicoAbilitato
	dati := m.Medico
	dati.Normalizza()
	codice := dati.CodiceStruttura
	err := s.aggiorna(func(tx *bolt.Tx) error {
		out = MedicoAbilitato{}
		chi, err := leggiAttore(tx, a.Chi)
		if err != nil {
			return err
		}
		if err := domain.ConsentiStruttura(chi, domain.OpAbilitaMedico, codice, nil, false); err != nil {
			return err
		}
		e := domain.Errori{}
		if dati.Valida(e); len(e) > 0 {
			return &domain.Errore{Codice: domain.ErrNonValido, Messaggio: e.Primo()}
		}
		if dati.CodiceFiscale == chi.CodiceFiscale {
			return errSeStesso
		}
		t, err := titolareMedico(tx, dati)
		if err != nil {
			return err
		}
		if t.Utente != nil {
			if ab := t.Utente.MedicoDi(codice); ab != nil && ab.Revocata == nil {
				return errGiaAbilitato
			}
		}
		rif := chi.Rappresentata(codice)
		ab := domain.Abilitazione{Profilo: domain.ProfiloMedicoOspedaliero, CodiceStruttura: codice, Sede: rif.Sede, Dal: a.Quando,
			Referente: chi.ID, Struttura: denominazione(tx, rif)}
		if out.Utente, out.NuovoAccount, err = abilitaTitolare(tx, a, t, dati, ab); err != nil {
			return err
		}
		att := m.Codice
		att.UtenteID, att.Creata, att.Struttura = out.Utente.ID, a.Quando, codice
		if err := salvaAttivazione(tx, att); err != nil {
			return err
		}
		if err := accodaTutti(tx, m.Messaggi, rif.Sede, a.Quando); err != nil {
			return err
		}
		dettaglio := "Abilitato come medico ospedaliero della struttura " + codice + " " + chiAccount(out.Utente)
		if out.NuovoAccount {
			dettaglio += ", account creato"
		}
		if err := a.registra(tx, domain.AuditStruttura, 0, dettaglio); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditCredenziali, 0, "Codice di attivazione emesso per "+chiAccount(out.Utente)+": "+att.Motivo)
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// titolareMedico finds the account the doctor's credentials go to, by the
// rules of an approval at the counter (titolareDi), and words its refusals
// for the referente.
func titolareMedico(tx *bolt.Tx, m domain.NuovoMedico) (Titolare, error) {
	t, err := titolareDi(tx, &domain.Richiesta{Percorso: domain.PercorsoSportello,
		Anagrafica: domain.Anagrafica{CodiceFiscale: m.CodiceFiscale}, Contatti: domain.Contatti{Email: m.Email}})
	switch {
	case errors.Is(err, errCFAltroAccount):
		return t, errMedicoAltroAccount
	case errors.Is(err, errAccountAltroCF):
		return t, errEmailAltraPersona
	case errors.Is(err, errEmailStaff):
		return t, errEmailPersonale
	case errors.Is(err, errRevocato):
		return t, domain.Conflitto("L'account di questo medico è stato revocato dalla sede Inail: non è possibile abilitarlo.")
	}
	return t, err
}

// abilitaTitolare gives ab to the account of t, created when it has none:
// the codice fiscale becomes its own, and the name typed by the referente
// its name unless an operator already checked it on a document. An
// enablement of the same structure, revoked, is replaced.
func abilitaTitolare(tx *bolt.Tx, a Atto, t Titolare, m domain.NuovoMedico, ab domain.Abilitazione) (*domain.Utente, bool, error) {
	u := t.Utente
	nuovo := u == nil
	if nuovo {
		if t.Scartare != nil {
			if err := scartaNonConfermato(tx, t.Scartare, a.Quando, "l'indirizzo è quello di un medico abilitato dalla struttura "+ab.CodiceStruttura); err != nil {
				return nil, false, err
			}
		}
		u = &domain.Utente{Ruolo: domain.RuoloRichiedente, Email: t.Email, Creato: a.Quando}
		if err := creaUtente(tx, u); err != nil {
			return nil, false, err
		}
	}
	verificata := u.IdentitaVerificata()
	dopo, err := modificaUtente(tx, u.ID, func(x *domain.Utente) error {
		x.CodiceFiscale = t.CodiceFiscale
		if !verificata {
			x.Cognome, x.Nome = m.Cognome, m.Nome
		}
		x.Abilitazioni = slices.DeleteFunc(x.Abilitazioni, func(v domain.Abilitazione) bool {
			return v.Profilo.MedicoOspedaliero() && v.CodiceStruttura == ab.CodiceStruttura
		})
		x.Abilitazioni = append(x.Abilitazioni, ab)
		return nil
	})
	return dopo, nuovo, err
}

// denominazione is the name of the structure the enablement rif represents,
// as the referente's approved request gives it.
func denominazione(tx *bolt.Tx, rif *domain.Abilitazione) string {
	r, err := leggiRichiesta(tx, rif.RichiestaID)
	if err != nil {
		return ""
	}
	return r.Struttura.Denominazione
}

// SospendiMedico suspends (sospendi true) or reactivates the enablement of
// doctor id at the structure codice: by its referente, or by an operator
// of the sede it was enabled under, whose suspension only the sede lifts.
// A suspension ends the doctor's sessions. msgs tell the doctor (and the
// referente, when the sede acts).
func (s *Store) SospendiMedico(a Atto, codice string, id uint64, sospendi bool, motivo string, msgs []domain.Messaggio) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		chi, medico, err := medicoPer(tx, a, codice, id, domain.OpSospendiMedico, sospendi)
		if err != nil {
			return err
		}
		var p *domain.Provvedimento
		if sospendi {
			p = &domain.Provvedimento{Quando: a.Quando, Chi: chi.ID, DallaSede: chi.Ruolo.Operatore(), Motivo: motivo}
		}
		if out, err = modificaUtente(tx, medico.ID, func(x *domain.Utente) error { x.MedicoDi(codice).Sospesa = p; return nil }); err != nil {
			return err
		}
		if sospendi {
			if _, err := eliminaSessioniUtente(tx, medico.ID, ""); err != nil {
				return err
			}
		}
		if err := accodaTutti(tx, msgs, medico.MedicoDi(codice).Sede, a.Quando); err != nil {
			return err
		}
		azione := "Riattivata"
		if sospendi {
			azione = "Sospesa"
		}
		if chi.Ruolo.Operatore() {
			azione += " dalla sede"
		}
		return a.registra(tx, domain.AuditStruttura, 0, azione+" l'abilitazione di medico ospedaliero della struttura "+codice+" di "+chiAccount(medico)+conMotivo(motivo))
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// RevocaMedico has the referente revoke for good the enablement of doctor
// id at the structure codice. The account stays, with its other
// enablements; its sessions end, and so does its activation code when no
// other enablement waits for it.
func (s *Store) RevocaMedico(a Atto, codice string, id uint64, motivo string, msgs []domain.Messaggio) (*domain.Utente, error) {
	if strings.TrimSpace(motivo) == "" {
		return nil, &domain.Errore{Codice: domain.ErrNonValido, Messaggio: "Indica il motivo della revoca."}
	}
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		chi, medico, err := medicoPer(tx, a, codice, id, domain.OpRevocaMedico, false)
		if err != nil {
			return err
		}
		if out, err = modificaUtente(tx, medico.ID, func(x *domain.Utente) error {
			x.MedicoDi(codice).Revocata = &domain.Provvedimento{Quando: a.Quando, Chi: chi.ID, Motivo: motivo}
			return nil
		}); err != nil {
			return err
		}
		if !daAttivare(out) {
			if err := tx.Bucket(bucketAttivazioni).Delete(itob(medico.ID)); err != nil {
				return err
			}
			if err := interrompiAttivazioni(tx, medico.ID, a.Quando); err != nil {
				return err
			}
		}
		if _, err := eliminaSessioniUtente(tx, medico.ID, ""); err != nil {
			return err
		}
		if err := accodaTutti(tx, msgs, medico.MedicoDi(codice).Sede, a.Quando); err != nil {
			return err
		}
		return a.registra(tx, domain.AuditStruttura, 0, "Revocata l'abilitazione di medico ospedaliero della struttura "+codice+" di "+chiAccount(medico)+conMotivo(motivo))
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// daAttivare reports whether u holds an enablement, not revoked, that its
// activation code would still activate.
func daAttivare(u *domain.Utente) bool {
	return slices.ContainsFunc(u.Abilitazioni, func(a domain.Abilitazione) bool { return a.Attivata.IsZero() && a.Revocata == nil })
}

// RiemettiCodiceMedico has the referente issue a new activation code to
// doctor id of the structure codice, who has not activated yet: the
// previous one stops working.
func (s *Store) RiemettiCodiceMedico(a Atto, codice string, id uint64, att domain.Attivazione, msgs []domain.Messaggio) (*domain.Utente, error) {
	var out *domain.Utente
	err := s.aggiorna(func(tx *bolt.Tx) error {
		_, medico, err := medicoPer(tx, a, codice, id, domain.OpCodiceMedico, false)
		if err != nil {
			return err
		}
		att.UtenteID, att.Creata, att.Struttura = medico.ID, a.Quando, codice
		if err := salvaAttivazione(tx, att); err != nil {
			return err
		}
		if err := accodaTutti(tx, msgs, medico.MedicoDi(codice).Sede, a.Quando); err != nil {
			return err
		}
		out = medico
		return a.registra(tx, domain.AuditCredenziali, 0, "Codice di attivazione emesso per "+chiAccount(medico)+": "+att.Motivo)
	})
	if err == nil {
		s.sveglia()
	}
	return out, err
}

// medicoPer reads the acting user and doctor id, and checks that the one
// may do op on the other at the structure codice.
func medicoPer(tx *bolt.Tx, a Atto, codice string, id uint64, op domain.OperazioneStruttura, sospendi bool) (*domain.Utente, *domain.Utente, error) {
	chi, err := leggiAttore(tx, a.Chi)
	if err != nil {
		return nil, nil, err
	}
	medico, err := leggiUtente(tx, id)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		// Whether the structure or the doctor is not found.
		if err := domain.ConsentiStruttura(chi, op, codice, nil, sospendi); err != nil {
			return nil, nil, err
		}
		return nil, nil, domain.ErrMedicoNonTrovato
	}
	if err != nil {
		return nil, nil, err
	}
	if err := domain.ConsentiStruttura(chi, op, codice, medico, sospendi); err != nil {
		return nil, nil, err
	}
	return chi, medico, nil
}

// conMotivo adds the reason of an action to its audit entry.
func conMotivo(motivo string) string {
	if motivo == "" {
		return ""
	}
	return " (motivo: " + motivo + ")"
}

// AccountStruttura returns the accounts enabled at the structure codice,
// referenti and doctors, revoked ones included, in creation order; the
// caller shows those domain.ConsentiStruttura lets its user see.
func (s *Store) AccountStruttura(codice string) ([]domain.Utente, error) {
	var out []domain.Utente
	if codice == "" {
		return nil, nil
	}
	err := s.leggi(func(tx *bolt.Tx) error {
		return perIndice(tx, bucketUtentiStruttura, prefisso([]byte(codice)), func(u domain.Utente) { out = append(out, u) })
	})
	return out, err
}
