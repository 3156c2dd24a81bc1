package app

import (
	"bytes"
	"errors"
	"fmt"

	"abilita/cf"
	"abilita/domain"
	"abilita/pdf"
	"abilita/posta"
	"abilita/store"
)

// The requests of the demo's story: the people who file them, their data
// and attachments, and the steps of the request pages and of the operator's
// review, one store action each.

// persona is someone in the demo's story.
type persona struct {
	Cognome, Nome, Sesso           string
	Nascita                        string // domain.Data
	LuogoNascita, ProvinciaNascita string // a comune and its province, or a foreign state and "EE"
	Residenza                      domain.Residenza
	Email, PEC, Telefono           string
	Documento                      domain.Documento // type, number and issuer; the dates follow the request
	Ordine                         domain.Ordine    // for doctors
}

// codiceFiscale computes p's codice fiscale from its name, sex, birth date
// and the Belfiore code ANPR gives its birthplace on that date. The request
// checks then verify it as they verify a typed one.
func (p persona) codiceFiscale() (string, error) {
	nascita, ok := domain.ParseData(p.Nascita)
	if !ok {
		return "", fmt.Errorf("data di nascita %q non valida", p.Nascita)
	}
	var luogo string
	if p.ProvinciaNascita == "EE" {
		stato, ok := cf.TrovaStato(p.LuogoNascita, nascita)
		if !ok {
			return "", fmt.Errorf("stato estero %q non trovato", p.LuogoNascita)
		}
		luogo = stato.Codice
	} else {
		comuni, ok := cf.TrovaComune(p.LuogoNascita, p.ProvinciaNascita, nascita)
		if !ok || len(comuni) != 1 {
			return "", fmt.Errorf("comune %s (%s) non trovato", p.LuogoNascita, p.ProvinciaNascita)
		}
		luogo = comuni[0].Codice
	}
	giorno := nascita.Day()
	if p.Sesso == "F" {
		giorno += 40
	}
	s := fmt.Sprintf("%s%s%02d%c%02d%s", cf.CodiceCognome(p.Cognome), cf.CodiceNome(p.Nome), nascita.Year()%100,
		"ABCDEHLMPRST"[nascita.Month()-1], giorno, luogo)
	return s + string(cf.CarattereControllo(s)), nil
}

// richiesta is p's request for profilo as the form fills it in on the
// story's day, with what modifica adds; every step is checked as the form
// checks it, which also resolves the birthplace's code.
func (r *riempimento) richiesta(p persona, profilo domain.Profilo, modifica func(*domain.Richiesta)) *domain.Richiesta {
	codice, err := p.codiceFiscale()
	r.fallito(err, "codice fiscale di "+p.Nome+" "+p.Cognome)
	rilascio := r.ora.In(domain.Roma).AddDate(-3, -2, -11)
	x := &domain.Richiesta{Tipo: domain.TipoNuova, Profilo: profilo,
		Anagrafica: domain.Anagrafica{Cognome: p.Cognome, Nome: p.Nome, CodiceFiscale: codice, Sesso: p.Sesso, DataNascita: p.Nascita,
			LuogoNascita: p.LuogoNascita, ProvinciaNascita: p.ProvinciaNascita, Cittadinanza: "Italiana"},
		Residenza:     p.Residenza,
		Contatti:      domain.Contatti{Email: p.Email, PEC: p.PEC, Telefono: p.Telefono},
		Documento:     p.Documento,
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
	}
	x.Documento.DataRilascio = rilascio.Format(domain.Data)
	x.Documento.DataScadenza = rilascio.AddDate(10, 0, 0).Format(domain.Data)
	if profilo.Medico() {
		x.Ordine = p.Ordine
	}
	if modifica != nil {
		modifica(x)
	}
	for _, passo := range domain.Passi {
		if passo == domain.PassoAllegati || passo == domain.PassoRiepilogo {
			continue
		}
		if e := x.Valida(passo, r.ora); len(e) > 0 {
			r.fallito(fmt.Errorf("%s: %s", passo.Titolo(), e.Primo()), "dati di "+x.NomeCompleto())
			break
		}
	}
	return x
}

// annota lists request id for the console, with what a newcomer can do
// with it.
func (r *riempimento) annota(id uint64, nota string) {
	r.richieste = append(r.richieste, RichiestaDemo{ID: id, Nota: nota})
}

// bozza saves x as a draft of applicant uid, as the first steps of the form
// do, and leaves it there.
func (r *riempimento) bozza(uid uint64, x *domain.Richiesta) uint64 {
	if r.err != nil {
		return 0
	}
	r.fallito(r.a.Store.CreaBozza(r.atto(uid), x), "bozza di "+x.NomeCompleto())
	return x.ID
}

// online files x for applicant uid as the request pages do: the draft, the
// attachments, the submission.
func (r *riempimento) online(uid uint64, x *domain.Richiesta) uint64 {
	id := r.bozza(uid, x)
	r.poi(9)
	r.allega(uid, x)
	r.poi(4)
	r.invia(uid, id)
	return id
}

// sportello registers x at the counter of operator op as the counter pages
// do: a blank draft, the data of the signed module, the scanned documents,
// the submission.
func (r *riempimento) sportello(op uint64, x *domain.Richiesta) uint64 {
	if r.err != nil {
		return 0
	}
	bozza, err := r.a.Store.ApriSportello(r.atto(op), "")
	if r.fallito(err, "richiesta allo sportello") {
		return 0
	}
	r.poi(6)
	salvata, err := r.a.Store.SalvaBozza(r.atto(op), bozza.ID, x)
	if r.fallito(err, "richiesta allo sportello di "+x.NomeCompleto()) {
		return 0
	}
	r.poi(3)
	r.allega(op, salvata)
	r.poi(2)
	r.invia(op, salvata.ID)
	return salvata.ID
}

func (r *riempimento) invia(chi, id uint64) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.Invia(r.atto(chi), id)
	r.fallito(err, "invio della richiesta")
}

// allega uploads the three attachments of the draft x as the upload page
// does: each checked, encrypted and stored by the archive, then named by
// the draft.
func (r *riempimento) allega(chi uint64, x *domain.Richiesta) {
	if r.err != nil {
		return
	}
	sd, err := r.a.Store.Sede(sedeDemo)
	fronte, err1 := fronteDocumento(x)
	retro, err2 := retroDocumento(x)
	modulo, err3 := pdf.Modulo(x, posta.SedePDF(sd), r.ora)
	if r.fallito(errors.Join(err, err1, err2, err3), "allegati di "+x.NomeCompleto()) {
		return
	}
	file := []struct {
		tipo       domain.TipoAllegato
		nome, mime string
		dati       []byte
	}{
		{domain.AllegatoDocumentoFronte, "documento-fronte.png", "image/png", fronte},
		{domain.AllegatoDocumentoRetro, "documento-retro.jpg", "image/jpeg", retro},
		{domain.AllegatoModuloFirmato, "modulo-firmato.pdf", "application/pdf", modulo},
	}
	nuovi := map[domain.TipoAllegato]domain.Allegato{}
	for _, f := range file {
		m, err := r.a.Archivio.Salva(f.nome, f.mime, bytes.NewReader(f.dati))
		if r.fallito(err, f.tipo.Etichetta()+" di "+x.NomeCompleto()) {
			return
		}
		nuovi[f.tipo] = domain.Allegato{ID: m.ID, Tipo: string(m.Tipo), NomeOriginale: m.NomeOriginale, Byte: m.Byte,
			SHA256: m.SHA256, ChiaveCifrata: m.ChiaveCifrata, Caricato: r.ora}
	}
	_, err = r.a.Store.AllegaDocumenti(r.atto(chi), x.ID, nuovi)
	r.fallito(err, "allegati di "+x.NomeCompleto())
}

// annulla withdraws request id of applicant uid.
func (r *riempimento) annulla(uid, id uint64) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.Annulla(r.atto(uid), id)
	r.fallito(err, "annullamento della richiesta")
}

// prendi takes request id in charge for operator op.
func (r *riempimento) prendi(op, id uint64) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.PrendiInCarico(r.atto(op), id)
	r.fallito(err, "presa in carico")
}

// verifica saves the checks operator op ticked on request id.
func (r *riempimento) verifica(op, id uint64, cl domain.Checklist) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.SalvaChecklist(r.atto(op), id, cl)
	r.fallito(err, "verifica dell'operatore")
}

// tutteLeVerifiche is the checklist of an operator who found everything
// in order.
var tutteLeVerifiche = domain.Checklist{DatiCorrispondenti: true, DocumentoValido: true, ModuloFirmato: true, OrdinePlausibile: true}

// approva approves request id as operator op, as the review page does:
// the code for the holder the store names, its messages, the decision.
func (r *riempimento) approva(op, id uint64) CodiceDemo {
	if r.err != nil {
		return CodiceDemo{}
	}
	x, err := r.a.Store.Richiesta(id)
	if r.fallito(err, "approvazione") {
		return CodiceDemo{}
	}
	t, err := r.a.Store.TitolareDi(x)
	if r.fallito(err, "approvazione di "+x.Protocollo) {
		return CodiceDemo{}
	}
	sd, err := r.a.Store.Sede(x.Sede)
	if r.fallito(err, "approvazione di "+x.Protocollo) {
		return CodiceDemo{}
	}
	dove := doveParte2{PEC: x.Contatti.PEC, Sede: sd.Nome}
	dove.Area = dove.PEC == "" && x.Percorso == domain.PercorsoOnline
	c, att, msgs := r.nuovoCodice(x.Anagrafica.Nome, t.CodiceFiscale, t.Email, dove, "Approvazione della richiesta "+x.Protocollo)
	c.Nome = x.Anagrafica.Nome + " " + x.Anagrafica.Cognome
	_, err = r.a.Store.Approva(r.atto(op), id, store.Approvazione{Codice: &att, Destinatario: t.Email, Messaggi: msgs})
	r.fallito(err, "approvazione di "+x.Protocollo)
	return c
}

// respingi rejects request id as operator op.
func (r *riempimento) respingi(op, id uint64, nota string, motivi ...domain.MotivoRifiuto) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.Respingi(r.atto(op), id, motivi, nota)
	r.fallito(err, "rifiuto")
}

// chiediIntegrazione asks the applicant of request id for more, as
// operator op.
func (r *riempimento) chiediIntegrazione(op, id uint64, testo string) {
	if r.err != nil {
		return
	}
	_, err := r.a.Store.ChiediIntegrazione(r.atto(op), id, testo)
	r.fallito(err, "richiesta di integrazione")
}

// riepilogo reads back the requests listed for the console.
func (r *riempimento) riepilogo() {
	for _, x := range r.richieste {
		if r.err != nil {
			return
		}
		rq, err := r.a.Store.Richiesta(x.ID)
		if r.fallito(err, "riepilogo") {
			return
		}
		x.Protocollo, x.Stato, x.Nome = rq.Protocollo, rq.Stato, rq.NomeCompleto()
		r.d.Richieste = append(r.d.Richieste, x)
	}
}
