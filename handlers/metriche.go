package handlers

import (
	"crypto/subtle"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"abilita/domain"
)

// Metrics for Prometheus at /metrics: the latency of every route, the
// requests by sede and state and the outbox by state (read from the
// store's counters when scraped), failed and throttled logins, and the
// argon2id queue. Each application has its own registry. /metrics answers
// only to the configured addresses or bearer token, and is off without
// them.

type metriche struct {
	registro  *prometheus.Registry
	durata    *prometheus.HistogramVec
	falliti   *prometheus.CounterVec
	limitati  *prometheus.CounterVec
	indirizzi []netip.Prefix
	token     string
}

func nuoveMetriche(h *Handlers) *metriche {
	m := &metriche{
		registro: prometheus.NewRegistry(),
		durata: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "abilita_http_durata_secondi", Help: "Tempo di risposta per rotta, metodo e classe di stato.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"rotta", "metodo", "stato"}),
		falliti: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abilita_accessi_falliti_totale", Help: "Tentativi di accesso non riusciti, per metodo (password, totp, recupero).",
		}, []string{"metodo"}),
		limitati: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "abilita_accessi_limitati_totale", Help: "Tentativi rifiutati dai limiti, per limite (indirizzo, account, codice).",
		}, []string{"limite"}),
		indirizzi: h.cfg.MetricheIndirizzi,
		token:     h.cfg.MetricheToken,
	}
	m.registro.MustRegister(m.durata, m.falliti, m.limitati, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&archivio{h: h})
	return m
}

// attive reports whether /metrics is configured.
func (m *metriche) attive() bool { return len(m.indirizzi) > 0 || m.token != "" }

// servi answers /metrics to whom may read it.
func (m *metriche) servi() fiber.Handler {
	h := adaptor.HTTPHandler(promhttp.HandlerFor(m.registro, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		if !m.attive() {
			return fiber.ErrNotFound
		}
		if !m.ammesso(c) {
			return c.Status(fiber.StatusForbidden).SendString("accesso alle metriche non consentito\n")
		}
		return h(c)
	}
}

func (m *metriche) ammesso(c *fiber.Ctx) bool {
	if m.token != "" {
		if t, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok && subtle.ConstantTimeCompare([]byte(t), []byte(m.token)) == 1 {
			return true
		}
	}
	// /metrics comes before the middleware: the connecting address, which
	// a trusted proxy in front would replace with its own.
	da, err := netip.ParseAddr(c.Context().RemoteIP().String())
	if err != nil {
		return false
	}
	for _, p := range m.indirizzi {
		if p.Contains(da.Unmap()) {
			return true
		}
	}
	return false
}

// archivio exports, when scraped, what the store's counters and the hasher
// say now.
type archivio struct{ h *Handlers }

var (
	descRichieste = prometheus.NewDesc("abilita_richieste", "Richieste per sede e stato.", []string{"sede", "stato"}, nil)
	descPosta     = prometheus.NewDesc("abilita_posta_messaggi", "Messaggi in uscita per stato della consegna (in_coda è l'arretrato, fallita i non consegnati).", []string{"stato"}, nil)
	descArgon     = prometheus.NewDesc("abilita_argon2id_calcoli", "Calcoli argon2id in corso e in attesa di un posto.", []string{"fase"}, nil)
)

func (a *archivio) Describe(ch chan<- *prometheus.Desc) {
	ch <- descRichieste
	ch <- descPosta
	ch <- descArgon
}

func (a *archivio) Collect(ch chan<- prometheus.Metric) {
	if perSede, err := a.h.Store.ConteggiPerSede(); err == nil {
		for sede, stati := range perSede {
			for stato, n := range stati {
				ch <- prometheus.MustNewConstMetric(descRichieste, prometheus.GaugeValue, float64(n), sede, string(stato))
			}
		}
	} else {
		ch <- prometheus.NewInvalidMetric(descRichieste, err)
	}
	if posta, err := a.h.Store.ContaPosta(""); err == nil {
		for _, stato := range domain.StatiNotifica {
			ch <- prometheus.MustNewConstMetric(descPosta, prometheus.GaugeValue, float64(posta[stato]), string(stato))
		}
	} else {
		ch <- prometheus.NewInvalidMetric(descPosta, err)
	}
	if a.h.Hasher != nil {
		inCorso, inAttesa := a.h.Hasher.Coda()
		ch <- prometheus.MustNewConstMetric(descArgon, prometheus.GaugeValue, float64(inCorso), "in_corso")
		ch <- prometheus.MustNewConstMetric(descArgon, prometheus.GaugeValue, float64(inAttesa), "in_attesa")
	}
}
