package handlers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"abilita/domain"
	"abilita/forte"
	"abilita/forte/cns"
	"abilita/forte/oidc"
	"abilita/security"
	"abilita/store"
	"abilita/views"
)

// Strong sign-in (path B): SPID and CIE through the configured OpenID
// Connect providers, and the CNS card through its TLS client certificate.
// Either proves the codice fiscale: the account verified for it opens, or,
// the first time, the person gives an e-mail address and the account is
// created (store.RegistraIdentitaForte).

// metodoForte is one way of strong sign-in as the pages offer it: a link,
// or the sentence that says why it is not available.
type metodoForte struct {
	Etichetta string
	URL       string
	Motivo    string // not available: why
}

// fornitoreOIDC is a configured provider, connected (discovery) at its
// first use and again after a failure, so that a gateway down at start
// does not stop Abilita.
type fornitoreOIDC struct {
	provider oidc.Provider
	mu       sync.Mutex
	rp       *oidc.RelyingParty
	fallito  time.Time
}

const riprovaFornitore = time.Minute

var errFornitoreAssente = &domain.Errore{Codice: domain.ErrConflitto, Messaggio: "Il servizio di accesso scelto non risponde: riprova tra qualche minuto, oppure accedi in un altro modo."}

func (f *fornitoreOIDC) relyingParty(ctx context.Context, o oidc.Opzioni, now time.Time) (*oidc.RelyingParty, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rp != nil {
		return f.rp, nil
	}
	if !f.fallito.IsZero() && now.Sub(f.fallito) < riprovaFornitore {
		return nil, errFornitoreAssente
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rp, err := oidc.NuovoRelyingParty(ctx, f.provider, o)
	if err != nil {
		f.fallito = now
		return nil, errors.Join(errFornitoreAssente, err)
	}
	f.rp = rp
	return rp, nil
}

// metodiForti lists the strong sign-ins, available or not, for the login
// and the InailRisponde pages.
func (h *Handlers) metodiForti() []metodoForte {
	var out []metodoForte
	for _, f := range h.fornitori {
		out = append(out, metodoForte{Etichetta: "Entra con " + f.provider.Etichetta, URL: "/accedi/oidc/" + f.provider.Nome})
	}
	if len(h.fornitori) == 0 {
		out = append(out, metodoForte{Etichetta: "SPID e CIE",
			Motivo: "L'accesso con SPID e CIE non è attivo in questa installazione: l'amministratore non ha configurato un fornitore di identità."})
	}
	if h.CNS != nil {
		out = append(out, metodoForte{Etichetta: "Entra con la Carta nazionale dei servizi (CNS)", URL: h.cfg.CNSURL})
	} else {
		out = append(out, metodoForte{Etichetta: "Carta nazionale dei servizi (CNS)",
			Motivo: "L'accesso con CNS non è attivo in questa installazione: l'amministratore non ha configurato le autorità che rilasciano le carte."})
	}
	return out
}

func (h *Handlers) fornitore(nome string) *fornitoreOIDC {
	for _, f := range h.fornitori {
		if f.provider.Nome == nome {
			return f
		}
	}
	return nil
}

// Cookies of a sign-in in progress, sealed with the master key: the secrets
// of an OpenID Connect login, and the identity waiting for an address.
const (
	cookieAttesa   = "attesa_oidc"
	cookieIdentita = "identita_forte"
	durataIdentita = 15 * time.Minute
)

var (
	contestoAttesa   = []byte("abilita/oidc-attesa/v1")
	contestoIdentita = []byte("abilita/identita-forte/v1")
)

func (h *Handlers) sigilla(c *fiber.Ctx, nome string, contesto []byte, v any, durata time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sealed, err := h.Keys.Seal(b, contesto)
	if err != nil {
		return err
	}
	h.setCookie(c, nome, base64.RawURLEncoding.EncodeToString(sealed), durata)
	return nil
}

func (h *Handlers) leggiSigillo(c *fiber.Ctx, nome string, contesto []byte, v any) bool {
	sealed, err := base64.RawURLEncoding.DecodeString(c.Cookies(h.cookieName(nome)))
	if err != nil || len(sealed) == 0 {
		return false
	}
	b, err := h.Keys.Open(sealed, contesto)
	return err == nil && json.Unmarshal(b, v) == nil
}

// accessoOIDC sends the browser to the provider, keeping the secrets of this
// login in a sealed cookie.
func (h *Handlers) accessoOIDC(c *fiber.Ctx) error {
	f := h.fornitore(c.Params("nome"))
	if f == nil {
		return domain.NonTrovato("Questo modo di accesso non esiste.")
	}
	rp, err := f.relyingParty(c.UserContext(), h.opzioniOIDC(f.provider), h.Now())
	if err != nil {
		h.Log.Warn("OpenID Connect provider unavailable", "provider", f.provider.Nome, "err", err)
		return h.accessoForteFallito(c, errFornitoreAssente.Messaggio)
	}
	dove, attesa := rp.Inizia()
	if err := h.sigilla(c, cookieAttesa, contestoAttesa, attesa, oidc.DurataAttesa); err != nil {
		return err
	}
	return c.Redirect(dove, fiber.StatusSeeOther)
}

func (h *Handlers) opzioniOIDC(p oidc.Provider) oidc.Opzioni {
	return oidc.Opzioni{RedirectURL: h.link("/accedi/oidc/" + p.Nome + "/ritorno"), Client: h.ClientOIDC, Now: h.Now}
}

// ritornoOIDC completes the login the provider sends back: the secrets are
// used once, whatever the outcome.
func (h *Handlers) ritornoOIDC(c *fiber.Ctx) error {
	f := h.fornitore(c.Params("nome"))
	if f == nil {
		return domain.NonTrovato("Questo modo di accesso non esiste.")
	}
	var attesa oidc.Attesa
	aperto := h.leggiSigillo(c, cookieAttesa, contestoAttesa, &attesa)
	h.clearCookie(c, cookieAttesa)
	if !aperto {
		return h.accessoForteFallito(c, "La richiesta di accesso è scaduta o è stata aperta in un altro browser: riprova ad accedere.")
	}
	rp, err := f.relyingParty(c.UserContext(), h.opzioniOIDC(f.provider), h.Now())
	if err != nil {
		return h.accessoForteFallito(c, errFornitoreAssente.Messaggio)
	}
	query := map[string][]string{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { query[string(k)] = append(query[string(k)], string(v)) })
	id, err := rp.Completa(c.UserContext(), attesa, query)
	if err != nil {
		return h.identitaRifiutata(c, err, domain.MetodoOIDC, "provider", f.provider.Nome)
	}
	return h.accessoForte(c, "", domain.IdentitaForte{
		Metodo: domain.MetodoOIDC, Fornitore: f.provider.Etichetta, Livello: id.Livello, Descrizione: f.provider.DescriviLivello(id.Livello),
		Soggetto: id.Issuer + " " + id.Subject, CodiceFiscale: id.CodiceFiscale.String(), Nome: id.Nome, Cognome: id.Cognome, Email: id.Email, Quando: h.Now(),
	})
}

// accessoCNS reads the card's certificate (from this TLS connection, or
// from the trusted proxy's header) and signs its holder in.
func (h *Handlers) accessoCNS(c *fiber.Ctx) error {
	if h.CNS == nil {
		return h.accessoForteFallito(c, "L'accesso con CNS non è attivo in questa installazione.")
	}
	var intestazione string
	if h.cfg.CNSHeader != "" {
		intestazione = c.Get(h.cfg.CNSHeader)
	}
	fidato := len(h.cfg.ProxyFidati) > 0 && c.IsProxyTrusted()
	catena, err := cns.Certificati(c.Context().TLSConnectionState(), intestazione, fidato)
	var id cns.Identita
	if err == nil {
		id, err = h.CNS.Verifica(catena)
	}
	if err != nil {
		return h.identitaRifiutata(c, err, domain.MetodoCNS)
	}
	// The card is read on a listener of its own, which serves nothing
	// else: the pages after it are on the public address.
	return h.accessoForte(c, strings.TrimRight(h.cfg.PublicURL, "/"), domain.IdentitaForte{
		Metodo: domain.MetodoCNS, Fornitore: id.Emittente, Descrizione: "Carta nazionale dei servizi", Soggetto: id.Seriale,
		CodiceFiscale: id.CodiceFiscale.String(), Nome: id.Nome, Cognome: id.Cognome, Quando: h.Now(),
	})
}

// accessoForte opens the session of the account verified for the identity,
// or asks the person, the first time, for an e-mail address; base is put
// before the paths it sends the browser to.
func (h *Handlers) accessoForte(c *fiber.Ctx, base string, id domain.IdentitaForte) error {
	token, in := h.nuovaSessione(c, id.Metodo)
	_, _, err := h.Store.AccediConIdentitaForte(in, id)
	if errors.Is(err, store.ErrSenzaAccountForte) {
		if err := h.sigilla(c, cookieIdentita, contestoIdentita, id, durataIdentita); err != nil {
			return err
		}
		return h.redirect(c, base+"/accedi/forte")
	}
	if domain.CodiceDi(err) == domain.ErrConflitto || domain.CodiceDi(err) == domain.ErrNonAmmesso {
		return h.accessoForteFallito(c, domain.MessaggioDi(err))
	}
	if err != nil {
		return err
	}
	h.impostaSessione(c, token)
	return h.avviso(c, base+"/area", "Hai effettuato l'accesso con "+id.Etichetta()+".")
}

// identitaRifiutata answers a strong sign-in that did not give an identity:
// a refusal (forte.Rifiuto) is logged with its reason and cause, counted as a
// failed access, and its message shown on the login page; any other error is
// returned as it is.
func (h *Handlers) identitaRifiutata(c *fiber.Ctx, err error, metodo domain.MetodoAccesso, attributi ...any) error {
	var e *forte.Rifiuto
	if !errors.As(err, &e) {
		return err
	}
	h.Log.Warn("strong sign-in refused", append(attributi, "metodo", metodo, "motivo", e.Motivo, "err", e.Causa)...)
	h.fallito(c, nil, metodo)
	return h.accessoForteFallito(c, e.Messaggio)
}

func (h *Handlers) accessoForteFallito(c *fiber.Ctx, msg string) error {
	vm := accediVM{Base: h.base(c, "Accedi"), Errore: msg, Forti: h.metodiForti()}
	return h.render(c, fiber.StatusUnauthorized, views.PaginaAccedi, vm)
}

// identitaFormVM asks for the address of the account a strong sign-in is
// about to create.
type identitaFormVM struct {
	views.Base
	Identita domain.IdentitaForte
	Email    string
	Errori   domain.Errori
}

func (h *Handlers) identitaForteForm(c *fiber.Ctx) error {
	var id domain.IdentitaForte
	if !h.leggiSigillo(c, cookieIdentita, contestoIdentita, &id) {
		return h.accessoForteFallito(c, "L'accesso è scaduto: accedi di nuovo con la tua credenziale.")
	}
	return h.render(c, fiber.StatusOK, views.PaginaIdentitaForte, identitaFormVM{Base: h.base(c, "Il tuo indirizzo e-mail"), Identita: id, Email: id.Email, Errori: domain.Errori{}})
}

// identitaForte creates the account with the address given, opens its
// session and sends the link that confirms the address.
func (h *Handlers) identitaForte(c *fiber.Ctx) error {
	var id domain.IdentitaForte
	if !h.leggiSigillo(c, cookieIdentita, contestoIdentita, &id) {
		return h.accessoForteFallito(c, "L'accesso è scaduto: accedi di nuovo con la tua credenziale.")
	}
	vm := identitaFormVM{Base: h.base(c, "Il tuo indirizzo e-mail"), Identita: id, Email: domain.NormalizzaEmail(c.FormValue("email")), Errori: domain.Errori{}}
	if !domain.EmailValida(vm.Email) {
		vm.Errori.Add("email", "L'indirizzo e-mail non è valido (esempio: nome@dominio.it).")
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaIdentitaForte, vm)
	}
	token, in := h.nuovaSessione(c, id.Metodo)
	verifica := security.NewToken()
	m, err := h.messaggioVerifica(vm.Email, id.Nome, verifica)
	if err != nil {
		return err
	}
	_, err = h.Store.RegistraIdentitaForte(in, id, vm.Email, security.HashToken(verifica), h.Now().Add(h.cfg.TokenTTL), m)
	if domain.CodiceDi(err) == domain.ErrConflitto {
		vm.Errori.Add("email", domain.MessaggioDi(err))
		return h.render(c, fiber.StatusUnprocessableEntity, views.PaginaIdentitaForte, vm)
	}
	if err != nil {
		return err
	}
	h.clearCookie(c, cookieIdentita)
	h.impostaSessione(c, token)
	return h.avviso(c, "/area", "Account creato con "+id.Etichetta()+". Ti abbiamo inviato a "+vm.Email+" il collegamento per confermare l'indirizzo.")
}
