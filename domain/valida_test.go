package domain_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"abilita/domain"
)

// oggi is the day the tests validate on.
var oggi = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// richiestaValida is a complete request of Mario Rossi, medico esterno, that
// passes every step on oggi.
func richiestaValida() *domain.Richiesta {
	return &domain.Richiesta{
		Percorso: domain.PercorsoOnline, Stato: domain.StatoBozza,
		Tipo: domain.TipoNuova, Profilo: domain.ProfiloMedicoEsterno,
		Anagrafica: domain.Anagrafica{
			Cognome: "Rossi", Nome: "Mario", CodiceFiscale: "RSSMRA85T10A562S", Sesso: "M",
			DataNascita: "1985-12-10", LuogoNascita: "San Giuliano Terme", ProvinciaNascita: "PI", Cittadinanza: "Italiana",
		},
		Residenza: domain.Residenza{Indirizzo: "Via Roma 1", CAP: "56017", Comune: "San Giuliano Terme", Provincia: "PI"},
		Contatti:  domain.Contatti{Email: "mario.rossi@example.it", Telefono: "+39 050 123456"},
		Ordine:    domain.Ordine{Provincia: "PI", Numero: "1234", DataIscrizione: "2012-05-02"},
		Documento: domain.Documento{
			Tipo: "Carta d'identità elettronica", Numero: "CA12345AB", RilasciatoDa: "Comune di San Giuliano Terme",
			DataRilascio: "2020-01-10", DataScadenza: "2030-01-10",
		},
		Dichiarazioni: domain.Dichiarazioni{DPR445: true, Privacy: true, Riservatezza: true},
		Allegati: map[domain.TipoAllegato]domain.Allegato{
			domain.AllegatoDocumentoFronte: {ID: "f"}, domain.AllegatoDocumentoRetro: {ID: "r"}, domain.AllegatoModuloFirmato: {ID: "m"},
		},
	}
}

// casoPasso is a change to the valid request and the fields that must then
// be in error, no more and no fewer.
type casoPasso struct {
	nome     string
	modifica func(*domain.Richiesta)
	campi    []string
	contiene string // a word the message of the first field must contain, if set
}

func provaPasso(t *testing.T, p domain.Passo, oggi time.Time, casi []casoPasso) {
	t.Helper()
	for _, c := range casi {
		t.Run(c.nome, func(t *testing.T) {
			r := richiestaValida()
			c.modifica(r)
			e := r.Valida(p, oggi)
			got := slices.Sorted(maps.Keys(e))
			want := slices.Sorted(slices.Values(c.campi))
			if !slices.Equal(got, want) {
				t.Fatalf("campi in errore = %v, want %v (%v)", got, want, e)
			}
			for f, msg := range e {
				if strings.TrimSpace(msg) == "" {
					t.Errorf("%s: messaggio vuoto", f)
				}
			}
			if c.contiene != "" && !strings.Contains(e[c.campi[0]], c.contiene) {
				t.Errorf("%s = %q, want it to contain %q", c.campi[0], e[c.campi[0]], c.contiene)
			}
		})
	}
}

func TestControllaTesto(t *testing.T) {
	tests := []struct {
		nome, v  string
		contiene string // "" means accepted
	}{
		{"vuoto", "", ""},
		{"semplice", "Mario Rossi", ""},
		{"accenti e apostrofo", "Niccolò D'Ascoli-Perù", ""},
		{"al massimo", strings.Repeat("è", domain.MaxTesto), ""},
		{"UTF-8 non valido", "Ross\xffi", "non validi"},
		{"UTF-8 troncato", "Perù"[:4], "non validi"},
		{"troppo lungo", strings.Repeat("a", domain.MaxTesto+1), "troppo lungo"},
		{"troppo lungo in rune", strings.Repeat("è", domain.MaxTesto+1), "troppo lungo"},
		{"minore", "a<b", "< e >"},
		{"maggiore", "a>b", "< e >"},
		{"markup", "<script>alert(1)</script>", "< e >"},
		{"NUL", "Mario\x00", "controllo"},
		{"a capo", "Via Roma\n1", "controllo"},
		{"tabulazione", "Via\tRoma", "controllo"},
		{"ritorno carrello", "Via Roma\r", "controllo"},
		{"DEL", "Via\x7fRoma", "controllo"},
		{"controllo C1", "Via\u0085Roma", "controllo"},
		{"escape", "\x1b[31mrosso", "controllo"},
		{"inversione di direzione", "Rossi\u202Efdp.exe", "invisibili"},
		{"isolamento di direzione", "Via \u2066Roma\u2069", "invisibili"},
		{"segno da destra a sinistra", "Mario\u200F", "invisibili"},
		{"spazio a larghezza zero", "Ma\u200Brio", "invisibili"},
		{"unione a larghezza zero", "Ma\u200Drio", "invisibili"},
		{"BOM", "\uFEFFMario", "invisibili"},
		{"separatore di riga", "Via Roma\u20281", "invisibili"},
		{"spazio unificatore, ammesso", "Via\u00A0Roma", ""},
	}
	for _, tt := range tests {
		t.Run(tt.nome, func(t *testing.T) {
			got := domain.ControllaTesto(tt.v)
			if lungo := domain.ControllaTestoLungo(tt.v); tt.contiene == "invisibili" && !strings.Contains(lungo, tt.contiene) {
				t.Errorf("ControllaTestoLungo(%q) = %q, want refused", tt.v, lungo)
			}
			if tt.contiene == "" {
				if got != "" {
					t.Errorf("ControllaTesto(%q) = %q, want accettato", tt.v, got)
				}
				return
			}
			if !strings.Contains(got, tt.contiene) {
				t.Errorf("ControllaTesto(%q) = %q, want un messaggio con %q", tt.v, got, tt.contiene)
			}
		})
	}
}

func TestEmailValida(t *testing.T) {
	tests := []struct {
		email string
		ok    bool
	}{
		{"mario.rossi@example.it", true},
		{"MARIO.ROSSI@EXAMPLE.IT", true},
		{"mario+inail@pec.example.it", true},
		{"m_r-1@sub.example.co.uk", true},
		{"", false},
		{"mario", false},
		{"mario@", false},
		{"@example.it", false},
		{"mario@localhost", false},
		{"mario@example", false},
		{"mario@@example.it", false},
		{"mario rossi@example.it", false},
		{"mario..rossi@example.it", false},
		{"mario.@example.it", false},
		{" mario@example.it", false},
		{"mario@example.it ", false},
		{"Mario Rossi <mario@example.it>", false},
		{"<mario@example.it>", false},
		{"mario@example.it, luigi@example.it", false},
		{`"mario rossi"@example.it`, false},
	}
	for _, tt := range tests {
		if got := domain.EmailValida(tt.email); got != tt.ok {
			t.Errorf("EmailValida(%q) = %v, want %v", tt.email, got, tt.ok)
		}
	}
}

func TestValidaProfilo(t *testing.T) {
	var casi []casoPasso
	for _, tipo := range domain.TipiRichiesta {
		for _, prof := range domain.Profili {
			casi = append(casi, casoPasso{string(tipo) + "/" + string(prof), func(r *domain.Richiesta) { r.Tipo, r.Profilo = tipo, prof }, nil, ""})
		}
	}
	casi = append(casi,
		casoPasso{"tipo mancante", func(r *domain.Richiesta) { r.Tipo = "" }, []string{"tipo"}, "tipo"},
		casoPasso{"tipo inventato", func(r *domain.Richiesta) { r.Tipo = "rinnovo" }, []string{"tipo"}, ""},
		casoPasso{"profilo mancante", func(r *domain.Richiesta) { r.Profilo = "" }, []string{"profilo"}, "profilo"},
		casoPasso{"profilo inventato", func(r *domain.Richiesta) { r.Profilo = "medico_ospedaliero" }, []string{"profilo"}, ""},
		casoPasso{"entrambi mancanti", func(r *domain.Richiesta) { r.Tipo, r.Profilo = "", "" }, []string{"tipo", "profilo"}, ""},
	)
	provaPasso(t, domain.PassoProfilo, oggi, casi)
}

func referente(r *domain.Richiesta) {
	r.Profilo = domain.ProfiloReferentePresidio
	r.Ordine = domain.Ordine{}
	r.Struttura = domain.Struttura{
		Denominazione: "Azienda Ospedaliero-Universitaria Pisana", Codice: "090901", Azienda: "AOU Pisana",
		Indirizzo: "Via Roma 67, Pisa", PEC: "aoupisa@pec.example.it", FirmatarioDesignazione: "Direttore sanitario",
	}
}

func patronato(r *domain.Richiesta) {
	r.Profilo = domain.ProfiloMedicoPatronato
	r.Patronato = domain.Patronato{Denominazione: "INCA CGIL", Sede: "Pisa", CodiceFiscale: "80000000000"}
}

func TestValidaProfessione(t *testing.T) {
	provaPasso(t, domain.PassoProfessione, oggi, []casoPasso{
		{"medico esterno", func(*domain.Richiesta) {}, nil, ""},
		{"medico senza Ordine", func(r *domain.Richiesta) { r.Ordine = domain.Ordine{} }, []string{"ordine_provincia", "ordine_numero", "ordine_data"}, ""},
		{"Ordine: provincia inesistente", func(r *domain.Richiesta) { r.Ordine.Provincia = "XX" }, []string{"ordine_provincia"}, "non valida"},
		{"Ordine: provincia minuscola", func(r *domain.Richiesta) { r.Ordine.Provincia = "pi" }, []string{"ordine_provincia"}, ""},
		{"Ordine: provincia per esteso", func(r *domain.Richiesta) { r.Ordine.Provincia = "Pisa" }, []string{"ordine_provincia"}, ""},
		{"Ordine: numero con spazi", func(r *domain.Richiesta) { r.Ordine.Numero = "12 34" }, []string{"ordine_numero"}, ""},
		{"Ordine: numero con barra", func(r *domain.Richiesta) { r.Ordine.Numero = "PI/1234-B" }, nil, ""},
		{"Ordine: iscrizione futura", func(r *domain.Richiesta) { r.Ordine.DataIscrizione = "2026-03-16" }, []string{"ordine_data"}, "futuro"},
		{"Ordine: iscrizione oggi", func(r *domain.Richiesta) { r.Ordine.DataIscrizione = "2026-03-15" }, nil, ""},
		{"Ordine: data gg/mm/aaaa", func(r *domain.Richiesta) { r.Ordine.DataIscrizione = "02/05/2012" }, []string{"ordine_data"}, "non è valida"},
		{"medico non chiede la struttura", func(r *domain.Richiesta) { r.Struttura = domain.Struttura{} }, nil, ""},

		{"patronato", patronato, nil, ""},
		{"patronato senza dati", func(r *domain.Richiesta) { patronato(r); r.Patronato = domain.Patronato{} }, []string{"pat_denominazione", "pat_sede"}, ""},
		{"patronato senza Ordine", func(r *domain.Richiesta) { patronato(r); r.Ordine = domain.Ordine{} }, []string{"ordine_provincia", "ordine_numero", "ordine_data"}, ""},
		{"patronato con spazi", func(r *domain.Richiesta) { patronato(r); r.Patronato.Sede = "   " }, []string{"pat_sede"}, ""},

		{"referente", referente, nil, ""},
		{"referente senza struttura", func(r *domain.Richiesta) { referente(r); r.Struttura = domain.Struttura{} },
			[]string{"str_denominazione", "str_codice", "str_azienda", "str_indirizzo", "str_pec", "str_firmatario"}, ""},
		{"referente senza PEC", func(r *domain.Richiesta) { referente(r); r.Struttura.PEC = "" }, []string{"str_pec"}, "PEC"},
		{"referente con PEC non valida", func(r *domain.Richiesta) { referente(r); r.Struttura.PEC = "aoupisa@pec" }, []string{"str_pec"}, "non è valido"},
		{"referente con codice non valido", func(r *domain.Richiesta) { referente(r); r.Struttura.Codice = "09 09" }, []string{"str_codice"}, ""},
		{"referente senza firmatario", func(r *domain.Richiesta) { referente(r); r.Struttura.FirmatarioDesignazione = "" }, []string{"str_firmatario"}, ""},

		{"profilo mancante", func(r *domain.Richiesta) { r.Profilo = "" }, []string{"profilo"}, ""},
	})
}

func TestValidaDocumento(t *testing.T) {
	casi := []casoPasso{
		{"valido", func(*domain.Richiesta) {}, nil, ""},
		{"scaduto ieri", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-14" }, []string{"doc_scadenza"}, "scaduto"},
		{"scade oggi", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-15" }, nil, ""},
		{"scade domani", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-16" }, nil, ""},
		{"rilasciato oggi", func(r *domain.Richiesta) { r.Documento.DataRilascio = "2026-03-15" }, nil, ""},
		{"rilasciato domani", func(r *domain.Richiesta) { r.Documento.DataRilascio = "2026-03-16" }, []string{"doc_rilascio"}, "futuro"},
		{"scadenza prima del rilascio", func(r *domain.Richiesta) {
			r.Documento.DataRilascio, r.Documento.DataScadenza = "2026-12-01", "2026-06-01"
		}, []string{"doc_rilascio", "doc_scadenza"}, ""},
		{"scadenza uguale al rilascio", func(r *domain.Richiesta) {
			r.Documento.DataRilascio, r.Documento.DataScadenza = "2026-03-15", "2026-03-15"
		}, []string{"doc_scadenza"}, "successiva"},
		{"tipo mancante", func(r *domain.Richiesta) { r.Documento.Tipo = "" }, []string{"doc_tipo"}, ""},
		{"tipo inventato", func(r *domain.Richiesta) { r.Documento.Tipo = "Tessera del club" }, []string{"doc_tipo"}, ""},
		{"numero con spazi", func(r *domain.Richiesta) { r.Documento.Numero = "CA 12345 AB" }, nil, ""},
		{"numero con simboli", func(r *domain.Richiesta) { r.Documento.Numero = "CA#12345" }, []string{"doc_numero"}, ""},
		{"numero mancante", func(r *domain.Richiesta) { r.Documento.Numero = " " }, []string{"doc_numero"}, ""},
		{"ente mancante", func(r *domain.Richiesta) { r.Documento.RilasciatoDa = "" }, []string{"doc_rilasciato_da"}, ""},
		{"date mancanti", func(r *domain.Richiesta) { r.Documento.DataRilascio, r.Documento.DataScadenza = "", "" }, []string{"doc_rilascio", "doc_scadenza"}, ""},
		{"data non valida", func(r *domain.Richiesta) { r.Documento.DataScadenza = "2030-02-30" }, []string{"doc_scadenza"}, "non è valida"},
	}
	for _, tipo := range domain.TipiDocumento {
		casi = append(casi, casoPasso{"tipo " + tipo, func(r *domain.Richiesta) { r.Documento.Tipo = tipo }, nil, ""})
	}
	provaPasso(t, domain.PassoDocumento, oggi, casi)
}

func TestValidaDichiarazioni(t *testing.T) {
	provaPasso(t, domain.PassoDichiarazioni, oggi, []casoPasso{
		{"tutte", func(*domain.Richiesta) {}, nil, ""},
		{"manca DPR 445", func(r *domain.Richiesta) { r.Dichiarazioni.DPR445 = false }, []string{"dpr445"}, ""},
		{"manca privacy", func(r *domain.Richiesta) { r.Dichiarazioni.Privacy = false }, []string{"privacy"}, ""},
		{"manca riservatezza", func(r *domain.Richiesta) { r.Dichiarazioni.Riservatezza = false }, []string{"riservatezza"}, ""},
		{"nessuna", func(r *domain.Richiesta) { r.Dichiarazioni = domain.Dichiarazioni{} }, []string{"dpr445", "privacy", "riservatezza"}, ""},
		{"urgente con motivo", func(r *domain.Richiesta) { r.Urgente, r.MotivoUrgenza = true, "Inizio attività il 20 marzo" }, nil, ""},
		{"urgente senza motivo", func(r *domain.Richiesta) { r.Urgente = true }, []string{"motivo_urgenza"}, "urgenza"},
		{"urgente con motivo di spazi", func(r *domain.Richiesta) { r.Urgente, r.MotivoUrgenza = true, "  \t" }, []string{"motivo_urgenza"}, ""},
		{"motivo senza urgenza", func(r *domain.Richiesta) { r.MotivoUrgenza = "Inizio attività" }, nil, ""},
	})
}

func TestValidaAllegati(t *testing.T) {
	casi := []casoPasso{
		{"tutti", func(*domain.Richiesta) {}, nil, ""},
		{"nessuno", func(r *domain.Richiesta) { r.Allegati = nil }, []string{"documento_fronte", "documento_retro", "modulo_firmato"}, ""},
	}
	for _, tipo := range domain.TipiAllegato {
		casi = append(casi, casoPasso{"manca " + string(tipo), func(r *domain.Richiesta) { delete(r.Allegati, tipo) }, []string{string(tipo)}, tipo.Etichetta()})
	}
	provaPasso(t, domain.PassoAllegati, oggi, casi)
}

func TestValidaTutto(t *testing.T) {
	r := richiestaValida()
	if p, e := r.ValidaTutto(oggi); p != "" || e != nil {
		t.Fatalf("richiesta valida: ValidaTutto = %q, %v", p, e)
	}
	if e := r.Valida(domain.PassoRiepilogo, oggi); len(e) != 0 {
		t.Errorf("il riepilogo non ha campi propri, errori %v", e)
	}
	rompi := map[domain.Passo]func(*domain.Richiesta){
		domain.PassoProfilo:       func(r *domain.Richiesta) { r.Tipo = "" },
		domain.PassoAnagrafica:    func(r *domain.Richiesta) { r.Contatti.Email = "" },
		domain.PassoProfessione:   func(r *domain.Richiesta) { r.Ordine.Numero = "" },
		domain.PassoDocumento:     func(r *domain.Richiesta) { r.Documento.DataScadenza = "2026-03-14" },
		domain.PassoDichiarazioni: func(r *domain.Richiesta) { r.Dichiarazioni.Privacy = false },
		domain.PassoAllegati:      func(r *domain.Richiesta) { delete(r.Allegati, domain.AllegatoModuloFirmato) },
	}
	for i, p := range domain.Passi {
		if p == domain.PassoRiepilogo {
			continue
		}
		// Break this step and every later one: the first is the answer.
		r := richiestaValida()
		for _, q := range domain.Passi[i:] {
			if f := rompi[q]; f != nil {
				f(r)
			}
		}
		got, e := r.ValidaTutto(oggi)
		if got != p {
			t.Errorf("rotti i passi da %s in poi: ValidaTutto = %q, want %q", p, got, p)
		}
		if want := r.Valida(p, oggi); !maps.Equal(e, want) {
			t.Errorf("%s: errori = %v, want quelli del passo %v", p, e, want)
		}
	}
}
