package testapp

import (
	"testing"
	"time"

	"abilita/domain"
	"abilita/handlers"
	"abilita/security"
)

// CreaUtenteConTOTP stores a ready account, as if activated: the password,
// an enrolled authenticator (whose secret it returns, for
// security.CodiceTOTP), the confidentiality rules accepted and, for a
// credential holder, its enablements activated. Operators and
// administrators need it to log in.
func (t *T) CreaUtenteConTOTP(tb testing.TB, u domain.Utente, password string) (*domain.Utente, string) {
	tb.Helper()
	key, err := security.NuovoTOTP(handlers.EmittenteTOTP, u.Email)
	if err != nil {
		tb.Fatal(err)
	}
	creato := t.CreaUtente(tb, u, password)
	sigillato, err := t.App.Keys.Seal([]byte(key.Secret()), domain.ContestoSegretoTOTP(creato.ID))
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	err = t.App.Store.AggiornaUtente(creato.ID, func(x *domain.Utente) error {
		x.TOTP = &domain.TOTP{SegretoCifrato: sigillato, Attivato: now}
		x.Regole = &domain.Accettazione{Versione: domain.VersioneRegole, Quando: now}
		for i := range x.Abilitazioni {
			x.Abilitazioni[i].Attivata = now
		}
		*creato = *x
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return creato, key.Secret()
}

// CodiceLibero returns a code of the authenticator with that secret that
// the account utenteID may still use: the current one, or the next one when
// the current step was used already (a login a moment ago). It waits for
// the next step when both were used.
func (t *T) CodiceLibero(tb testing.TB, utenteID uint64, segreto string) string {
	tb.Helper()
	for {
		u, err := t.App.Store.Utente(utenteID)
		if err != nil {
			tb.Fatal(err)
		}
		ultimo := int64(0)
		if u.TOTP != nil {
			ultimo = u.TOTP.UltimoPasso
		}
		now := time.Now()
		// The server accepts the steps next to its own (±1): the current one
		// and the next stay accepted even if its clock turns a step before
		// the code reaches it.
		for _, quando := range []time.Time{now, now.Add(security.TOTPPeriodo)} {
			if security.PassoTOTP(quando) > ultimo {
				code, err := security.CodiceTOTP(segreto, quando)
				if err != nil {
					tb.Fatal(err)
				}
				return code
			}
		}
		time.Sleep(time.Second)
	}
}

// CodiceTOTP returns a usable code (CodiceLibero) of the authenticator
// enrolled by the account with that login name, reading its secret as the
// server does.
func (t *T) CodiceTOTP(tb testing.TB, identificativo string) string {
	tb.Helper()
	u, err := t.App.Store.UtentePerIdentificativo(identificativo)
	if err != nil {
		tb.Fatalf("account %q: %v", identificativo, err)
	}
	if u.TOTP == nil {
		tb.Fatalf("account %q has no authenticator", identificativo)
	}
	segreto, err := t.App.Keys.Open(u.TOTP.SegretoCifrato, domain.ContestoSegretoTOTP(u.ID))
	if err != nil {
		tb.Fatal(err)
	}
	return t.CodiceLibero(tb, u.ID, string(segreto))
}
