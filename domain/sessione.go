package domain

import "time"

// Sessione is a server-side login session. The cookie holds a secret whose
// hash is the key, so the database alone cannot be used to ride a session.
type Sessione struct {
	Hash      string    `json:"-"`
	UtenteID  uint64    `json:"utente_id"`
	Creata    time.Time `json:"creata"`
	UltimoUso time.Time `json:"ultimo_uso"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
}

// MaxAccessi is how many login attempts are kept per account; older ones
// are dropped, so a flood of failures cannot grow the file without end.
const MaxAccessi = 500

// Accesso is one login attempt on an existing account.
type Accesso struct {
	Quando    time.Time     `json:"quando"`
	IP        string        `json:"ip,omitempty"`
	UserAgent string        `json:"user_agent,omitempty"`
	Riuscito  bool          `json:"riuscito"`
	Metodo    MetodoAccesso `json:"metodo"`
	// Filled in by the store from UserAgent.
	Dispositivo      string `json:"dispositivo"`      // Dispositivo.Impronta
	NomeDispositivo  string `json:"nome_dispositivo"` // "Firefox su Linux"
	NuovoDispositivo bool   `json:"nuovo_dispositivo,omitempty"`
}
