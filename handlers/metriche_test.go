package handlers_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"abilita/domain"
	"abilita/handlers"
	"abilita/security"
	"abilita/sedi"
	"abilita/store"
)

// TestMetriche reads /metrics: off without configuration, refused to other
// addresses and wrong tokens, and, to whom may read it, the requests by
// sede and state from the store's counters, the outbox, the argon2id queue
// and the latency of the routes just served.
func TestMetriche(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "abilita.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	elenco, err := sedi.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SeminaSedi(elenco); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r := &domain.Richiesta{Percorso: domain.PercorsoOnline, Profilo: domain.ProfiloMedicoEsterno, Stato: domain.StatoBozza, Sede: "PI", Creata: now}
	if err := r.Esegui(domain.AzioneInvia, 1, now, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Importa(func(im *store.Importazione) error { return im.Richiesta(r) }); err != nil {
		t.Fatal(err)
	}
	hasher := security.NewHasher(security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, security.DefaultCeiling(), runtime.NumCPU())
	nuova := func(cfg handlers.Config) func(req *http.Request) (int, string) {
		cfg.PublicURL, cfg.FormLimit, cfg.UploadLimit, cfg.SessionIdle, cfg.SessionMax = "http://abilita.test", 1<<16, 1<<20, time.Hour, time.Hour
		app, err := handlers.New(cfg, handlers.Deps{Store: st, Hasher: hasher, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return func(req *http.Request) (int, string) {
			res, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(body)
		}
	}
	metriche := func(token string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}

	if status, _ := nuova(handlers.Config{})(metriche("")); status != http.StatusNotFound {
		t.Errorf("without configuration /metrics answers %d, want 404", status)
	}
	conToken := nuova(handlers.Config{MetricheToken: "segreto-di-prova", MetricheIndirizzi: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	for _, token := range []string{"", "sbagliato"} {
		if status, _ := conToken(metriche(token)); status != http.StatusForbidden {
			t.Errorf("token %q from an address not listed: %d, want 403", token, status)
		}
	}
	conToken(httptest.NewRequest(http.MethodGet, "/sedi", nil))
	status, body := conToken(metriche("segreto-di-prova"))
	if status != http.StatusOK {
		t.Fatalf("with the token: %d", status)
	}
	for _, want := range []string{
		`abilita_richieste{sede="PI",stato="inviata"} 1`,
		`abilita_posta_messaggi{stato="in_coda"} 0`,
		`abilita_argon2id_calcoli{fase="in_attesa"} 0`,
		`abilita_http_durata_secondi_count{metodo="GET",rotta="/sedi",stato="2xx"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// By address: the test requests come from 0.0.0.0.
	perIndirizzo := nuova(handlers.Config{MetricheIndirizzi: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}})
	if status, _ := perIndirizzo(metriche("")); status != http.StatusOK {
		t.Errorf("from a listed address: %d, want 200", status)
	}
}
