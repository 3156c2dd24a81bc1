package testapp

import (
	"context"
	"testing"

	"abilita/domain"
	"abilita/handlers"
	"abilita/security"
	"abilita/store"
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
	hash, err := t.App.Hasher.Hash(context.Background(), password)
	if err != nil {
		tb.Fatal(err)
	}
	now := t.Orologio.Now()
	u.PasswordHash, u.Creato, u.EmailVerificata = hash, now, now
	creato := &u
	err = t.App.Store.Importa(func(im *store.Importazione) error {
		if err := im.Utente(creato); err != nil {
			return err
		}
		sigillato, err := t.App.Keys.Seal([]byte(key.Secret()), domain.ContestoSegretoTOTP(creato.ID))
		if err != nil {
			return err
		}
		creato, err = im.AggiornaUtente(creato.ID, func(x *domain.Utente) error {
			x.TOTP = &domain.TOTP{SegretoCifrato: sigillato, Attivato: now}
			x.Regole = &domain.Accettazione{Versione: domain.VersioneRegole, Quando: now}
			for i := range x.Abilitazioni {
				x.Abilitazioni[i].Attivata = now
			}
			return nil
		})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return creato, key.Secret()
}

// CodiceLibero returns the code of the authenticator with that secret at
// the installation's clock, one the account utenteID may still use: when
// the current step was used already (a login a moment ago), it first moves
// the clock on to the next step, as a person waits for the app to show a
// new code.
func (t *T) CodiceLibero(tb testing.TB, utenteID uint64, segreto string) string {
	tb.Helper()
	u, err := t.App.Store.Utente(utenteID)
	if err != nil {
		tb.Fatal(err)
	}
	now := t.Orologio.Now()
	if u.TOTP != nil {
		for security.PassoTOTP(now) <= u.TOTP.UltimoPasso {
			now = t.Orologio.Avanza(security.TOTPPeriodo)
		}
	}
	code, err := security.CodiceTOTP(segreto, now)
	if err != nil {
		tb.Fatal(err)
	}
	return code
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
