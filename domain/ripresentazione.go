package domain

import "slices"

// A rejected request may be filed again: the new draft starts from all of
// its data and attachments, and each rejection reason points the applicant
// to the steps and files it concerns.

// Passi are the steps of the form a rejection reason concerns.
func (m MotivoRifiuto) Passi() []Passo {
	switch m {
	case MotivoDatiNonCorrispondenti:
		return []Passo{PassoAnagrafica, PassoDocumento}
	case MotivoDocumento:
		return []Passo{PassoDocumento, PassoAllegati}
	case MotivoModuloNonFirmato, MotivoAllegatiMancanti:
		return []Passo{PassoAllegati}
	case MotivoOrdine:
		return []Passo{PassoProfessione}
	}
	return nil
}

// Allegati are the files a rejection reason says to replace.
func (m MotivoRifiuto) Allegati() []TipoAllegato {
	switch m {
	case MotivoDocumento:
		return []TipoAllegato{AllegatoDocumentoFronte, AllegatoDocumentoRetro}
	case MotivoModuloNonFirmato:
		return []TipoAllegato{AllegatoModuloFirmato}
	}
	return nil
}

// Segnalazione is what the rejection of the previous request says about
// one step of the new one.
type Segnalazione struct {
	Protocollo string          // of the rejected request
	Motivi     []MotivoRifiuto // those that concern the step
	Nota       string          // the operator's note, shown on every step it may concern
	Allegati   []TipoAllegato  // files to replace
}

// SegnalazionePer is what the rejection of prec says about step p of the
// request filed again from it: the reasons that point to the step (every
// reason, on the summary) with the operator's note; nil when none does.
func SegnalazionePer(prec *Richiesta, p Passo) *Segnalazione {
	if prec == nil || prec.Esito == nil || prec.Stato != StatoRespinta {
		return nil
	}
	s := &Segnalazione{Protocollo: prec.Protocollo, Nota: prec.Esito.Nota}
	for _, m := range prec.Esito.Motivi {
		if p == PassoRiepilogo || slices.Contains(m.Passi(), p) {
			s.Motivi = append(s.Motivi, m)
			s.Allegati = append(s.Allegati, m.Allegati()...)
		}
	}
	if len(s.Motivi) == 0 {
		return nil
	}
	return s
}

// DaSostituire reports whether the rejection asks to replace file t.
func (s *Segnalazione) DaSostituire(t TipoAllegato) bool {
	return s != nil && slices.Contains(s.Allegati, t)
}

// PrimoPasso is the first step of the form the rejection of prec points
// to, where the applicant filing it again starts; the summary when no
// reason points to a step.
func PrimoPasso(prec *Richiesta) Passo {
	for _, p := range Passi {
		if p != PassoRiepilogo && SegnalazionePer(prec, p) != nil {
			return p
		}
	}
	return PassoRiepilogo
}
