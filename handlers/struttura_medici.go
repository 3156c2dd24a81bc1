package handlers

import (
	"cmp"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
	"abilita/store"
	"abilita/views"
)

// The referente's actions on the doctors of its structure: enable one,
// suspend or reactivate, revoke, issue a new code and print its letter;
// and the e-mail that tells the doctor. Each action is one store method.

// moduloMedico reads the enabling form.
func moduloMedico(c *fiber.Ctx, codice string) domain.NuovoMedico {
	m := domain.NuovoMedico{CodiceStruttura: codice, CodiceFiscale: c.FormValue("codice_fiscale"), Cognome: c.FormValue("cognome"),
		Nome: c.FormValue("nome"), Email: c.FormValue("email")}
	m.Normalizza()
	return m
}

// abilitaMedico enables a doctor of the structure: its account (created
// if need be) gets the enablement and a code, whose part 1 goes by e-mail
// and part 2 is shown here for the referente to hand over.
func (h *Handlers) abilitaMedico(c *fiber.Ctx) error {
	u := utenteDi(c)
	st, err := h.strutturaScelta(u, c.FormValue("struttura"))
	if err != nil {
		return err
	}
	m := moduloMedico(c, st.Codice)
	e := domain.Errori{}
	if m.Valida(e); len(e) == 0 {
		t := titolare{Nome: m.Nome, Identificativo: m.CodiceFiscale, Email: m.Email}
		codice, err := h.nuovoCodice(t, doveParte2{Struttura: nomeStruttura(st)}, "Abilitazione come medico ospedaliero della struttura "+st.Codice+" da parte del referente "+u.NomeCompleto())
		if err != nil {
			return err
		}
		out, err := h.Store.AbilitaMedico(h.atto(c), store.AbilitazioneMedico{Medico: m, Codice: codice.attivazione, Messaggi: codice.messaggi})
		if err = rifiutoNelModulo(err, e, "abilita"); err != nil {
			return err
		}
		if len(e) == 0 {
			msg := "Medico abilitato: la prima parte del codice di attivazione gli è stata inviata per e-mail a " + m.Email + "."
			return h.codiceMedicoEmesso(c, st.Codice, out.Utente, codice, out.NuovoAccount, msg)
		}
	}
	vm, err := h.paginaStruttura(c, st.Codice)
	if err != nil {
		return err
	}
	vm.Errori = e
	for _, k := range []string{"codice_fiscale", "cognome", "nome", "email"} {
		vm.Valori.Set(k, c.FormValue(k))
	}
	return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaStruttura, vm)
}

// nomeStruttura is how messages name a structure: its name, or its code
// when its request is gone.
func nomeStruttura(st domain.Struttura) string { return cmp.Or(st.Denominazione, st.Codice) }

// codiceMedicoEmesso shows the structure with part 2 of the code just
// issued to u, this once.
func (h *Handlers) codiceMedicoEmesso(c *fiber.Ctx, codice string, u *domain.Utente, k codicePronto, nuovo bool, msg string) error {
	vm, err := h.paginaStruttura(c, codice)
	if err != nil {
		return err
	}
	vm.Avviso = msg
	vm.Emesso = &codiceMedicoVista{ID: u.ID, Nome: u.NomeCompleto(), CodiceFiscale: u.CodiceFiscale, Email: u.Email, Parte2: k.parte2,
		Scade: k.attivazione.Scade, NuovoAccount: nuovo}
	return h.render(c, fiber.StatusOK, views.PaginaStruttura, vm)
}

// medicoDellaStruttura reads the doctor :mid and the structure of the form
// for the referente; the store checks again, in its transaction.
func (h *Handlers) medicoDellaStruttura(c *fiber.Ctx, codice string) (domain.Struttura, *domain.Utente, error) {
	st, err := h.strutturaScelta(utenteDi(c), codice)
	if err != nil {
		return st, nil, err
	}
	u, err := h.medicoDi(c, st.Codice)
	return st, u, err
}

// medicoDi reads the doctor :mid of the structure codice.
func (h *Handlers) medicoDi(c *fiber.Ctx, codice string) (*domain.Utente, error) {
	id, err := strconv.ParseUint(c.Params("mid"), 10, 64)
	if err != nil {
		return nil, domain.ErrMedicoNonTrovato
	}
	u, err := h.Store.Utente(id)
	if domain.CodiceDi(err) == domain.ErrNonTrovato || err == nil && u.MedicoDi(codice) == nil {
		return nil, domain.ErrMedicoNonTrovato
	}
	return u, err
}

// erroriMedico shows the structure again with the errors of an action on
// doctor id, next to its form.
func (h *Handlers) erroriMedico(c *fiber.Ctx, codice string, id uint64, azione string, e domain.Errori) error {
	vm, err := h.paginaStruttura(c, codice)
	if err != nil {
		return err
	}
	vm.Aperto = id
	for k, msg := range e {
		vm.ErroriAzione[azione+"_"+itoa(id)+"_"+k] = msg
	}
	return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaStruttura, vm)
}

// tornaAllaStruttura goes back to the structure's page with a message.
func (h *Handlers) tornaAllaStruttura(c *fiber.Ctx, codice, msg string) error {
	return h.avviso(c, "/struttura?struttura="+url.QueryEscape(codice), msg)
}

// sospendiMedico suspends or reactivates a doctor's enablement at the
// structure, and tells the doctor.
func (h *Handlers) sospendiMedico(c *fiber.Ctx) error {
	st, u, err := h.medicoDellaStruttura(c, c.FormValue("struttura"))
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, false)
	sospendi := sceltaSospensione(c, e, "l'abilitazione")
	if len(e) == 0 {
		msgs, err := h.avvisiMedico(u, st, sospendi, false, m, false)
		if err != nil {
			return err
		}
		_, err = h.Store.SospendiMedico(h.atto(c), st.Codice, u.ID, sospendi, m, msgs)
		if err = rifiutoNelModulo(err, e, "azione"); err != nil {
			return err
		}
	}
	if len(e) > 0 {
		return h.erroriMedico(c, st.Codice, u.ID, "sospensione", e)
	}
	msg := "Abilitazione di " + u.NomeCompleto() + " riattivata."
	if sospendi {
		msg = "Abilitazione di " + u.NomeCompleto() + " sospesa: le sue sessioni sono state chiuse. Gli abbiamo scritto per e-mail."
	}
	return h.tornaAllaStruttura(c, st.Codice, msg)
}

// revocaMedico revokes a doctor's enablement at the structure for good,
// once the referente confirms.
func (h *Handlers) revocaMedico(c *fiber.Ctx) error {
	st, u, err := h.medicoDellaStruttura(c, c.FormValue("struttura"))
	if err != nil {
		return err
	}
	e := domain.Errori{}
	m := motivo(c, e, true)
	if c.FormValue("conferma") != "si" {
		e.Add("conferma", "Conferma che vuoi revocare l'abilitazione: l'operazione non si può annullare.")
	}
	if len(e) == 0 {
		msgs, err := h.avvisiMedico(u, st, false, true, m, false)
		if err != nil {
			return err
		}
		_, err = h.Store.RevocaMedico(h.atto(c), st.Codice, u.ID, m, msgs)
		if err = rifiutoNelModulo(err, e, "conferma"); err != nil {
			return err
		}
	}
	if len(e) > 0 {
		return h.erroriMedico(c, st.Codice, u.ID, "revoca", e)
	}
	return h.tornaAllaStruttura(c, st.Codice, "Abilitazione di "+u.NomeCompleto()+" revocata: non potrà più usarla per questa struttura. Gli abbiamo scritto per e-mail.")
}

// nuovoCodiceMedico issues a new code to a doctor who has not activated
// yet; the previous one stops working.
func (h *Handlers) nuovoCodiceMedico(c *fiber.Ctx) error {
	st, u, err := h.medicoDellaStruttura(c, c.FormValue("struttura"))
	if err != nil {
		return err
	}
	k, err := h.nuovoCodice(titolareDi(u), doveParte2{Struttura: nomeStruttura(st)}, "Nuovo codice dal referente della struttura "+st.Codice)
	if err != nil {
		return err
	}
	_, err = h.Store.RiemettiCodiceMedico(h.atto(c), st.Codice, u.ID, k.attivazione, k.messaggi)
	e := domain.Errori{}
	if err = rifiutoNelModulo(err, e, "azione"); err != nil {
		return err
	}
	if len(e) > 0 {
		return h.erroriMedico(c, st.Codice, u.ID, "codice", e)
	}
	return h.codiceMedicoEmesso(c, st.Codice, u, k, false, "Nuovo codice di attivazione emesso: quello precedente non vale più. La prima parte è stata inviata per e-mail a "+u.Email+".")
}

// letteraMedico is the activation letter with part 2 of a doctor's code,
// for the referente to print and hand over; every print is audited.
func (h *Handlers) letteraMedico(c *fiber.Ctx) error {
	st, u, err := h.medicoDellaStruttura(c, c.Query("struttura"))
	if err != nil {
		return err
	}
	if err := domain.ConsentiStruttura(utenteDi(c), domain.OpCodiceMedico, st.Codice, u, false); err != nil {
		return errNessunaLettera
	}
	parte2, a, err := h.parte2DaStampare(u)
	if err != nil {
		return err
	}
	if a.Struttura != st.Codice {
		return errNessunaLettera
	}
	l := pdf.Lettera{Consegna: pdf.Sede{Nome: "Il referente della struttura " + nomeStruttura(st)}, Cognome: u.Cognome, Nome: u.Nome,
		Identificativo: u.CodiceFiscale, Profilo: domain.ProfiloMedicoOspedaliero.Etichetta(), CodiceStruttura: st.Codice,
		Parte2: parte2, Scade: a.Scade, Indirizzo: h.link("/attivazione")}
	return h.inviaLettera(c, l, 0, "Lettera di attivazione stampata dal referente della struttura "+st.Codice+" per "+u.NomeCompleto()+" ("+u.CodiceFiscale+")",
		"lettera-attivazione-"+itoa(u.ID)+".pdf")
}

// datiAvvisoMedico are the data of the messages that tell a doctor, and
// its referente, what was done to its enablement.
type datiAvvisoMedico struct {
	Nome, Medico, Motivo, Struttura, Codice string
	Azione, Verbo                           string // "sospesa", "sospeso"
	Sospesa, Revocata, DallaSede            bool
}

// avvisiMedico composes the e-mail that tells doctor u that its enablement
// at the structure st was suspended (sospendi), reactivated or revoked
// (revoca), by the referente or the sede; when the sede acts, the referente
// who enabled the doctor is told too.
func (h *Handlers) avvisiMedico(u *domain.Utente, st domain.Struttura, sospendi, revoca bool, motivo string, dallaSede bool) ([]domain.Messaggio, error) {
	d := datiAvvisoMedico{Nome: u.Nome, Medico: u.NomeCompleto(), Motivo: motivo, Struttura: nomeStruttura(st), Codice: st.Codice,
		Sospesa: sospendi, Revocata: revoca, DallaSede: dallaSede}
	switch {
	case revoca:
		d.Azione, d.Verbo = "revocata", "revocato"
	case sospendi:
		d.Azione, d.Verbo = "sospesa", "sospeso"
	default:
		d.Azione, d.Verbo = "riattivata", "riattivato"
	}
	m, err := posta.Messaggio("medico_struttura", u.Email, d)
	if err != nil {
		return nil, err
	}
	msgs := []domain.Messaggio{m}
	ab := u.MedicoDi(st.Codice)
	if !dallaSede || ab == nil || ab.Referente == 0 {
		return msgs, nil
	}
	ref, err := h.Store.Utente(ab.Referente)
	if domain.CodiceDi(err) == domain.ErrNonTrovato {
		return msgs, nil
	}
	if err != nil {
		return nil, err
	}
	d.Nome = ref.Nome
	r, err := posta.Messaggio("medico_struttura_referente", ref.Email, d)
	if err != nil {
		return nil, err
	}
	return append(msgs, r), nil
}
