package main

import (
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"abilita/security"
)

// The HTTP side of the clients: a browser with its cookies (the session
// and the CSRF token, which every unsafe request echoes as _csrf), keep-alive
// connections, and the login with password and TOTP code.

// browser is one user agent: its cookie jar and its connections.
type browser struct {
	base string
	http *http.Client
}

// trasporto is a connection pool of conns kept-alive connections, dialled
// from the loopback address sorgente when it is not nil: the server
// throttles logins per client address, and many people log in from many
// addresses.
func trasporto(conns int, sorgente net.IP) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if sorgente != nil {
		d.LocalAddr = &net.TCPAddr{IP: sorgente}
	}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConns: conns, MaxIdleConnsPerHost: conns,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	trasporti.mu.Lock()
	trasporti.tutti = append(trasporti.tutti, tr)
	trasporti.mu.Unlock()
	return tr
}

// trasporti are every connection pool made, so that their idle
// connections can be closed before a server stops: its graceful shutdown
// waits for kept-alive connections to be closed (up to 15 s).
var trasporti struct {
	mu    sync.Mutex
	tutti []*http.Transport
}

// chiudiConnessioni closes the idle connections of every pool.
func chiudiConnessioni() {
	trasporti.mu.Lock()
	defer trasporti.mu.Unlock()
	for _, tr := range trasporti.tutti {
		tr.CloseIdleConnections()
	}
}

// indirizzo is the i-th loopback address a client dials from: 127.1.x.y.
func indirizzo(i int) net.IP { return net.IPv4(127, 1, byte(i/250), byte(i%250+1)) }

// nuovoBrowser is a browser without cookies that does not follow redirects.
func nuovoBrowser(base string, tr *http.Transport) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, http: &http.Client{Transport: tr, Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// conToken is a new browser on tr whose only cookie is the CSRF token: a
// visitor who opened the login page before.
func conToken(base string, tr *http.Transport, token string) *browser {
	b := nuovoBrowser(base, tr)
	u, _ := url.Parse(base)
	b.http.Jar.SetCookies(u, []*http.Cookie{{Name: "abilita_csrf", Value: token, Path: "/"}})
	return b
}

// conCookie is a browser on the same connections with a copy of b's cookies
// for base: another tab, or the same person on another server.
func (b *browser) conCookie(base string) *browser {
	c := nuovoBrowser(base, b.http.Transport.(*http.Transport))
	u, _ := url.Parse(b.base)
	c.http.Jar.SetCookies(u, b.http.Jar.Cookies(u))
	return c
}

// cookie is the value of the cookie name, or "".
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, k := range b.http.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// get reads path, wanting a 200, and returns the size of the body.
func (b *browser) get(path string) (int64, error) {
	res, err := b.http.Get(b.base + path)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return 0, fmt.Errorf("GET %s: status %d: %s", path, res.StatusCode, estratto(body))
	}
	return io.Copy(io.Discard, res.Body)
}

// invia posts form to path with the CSRF token and wants a 303 to dove
// (its path, without the query), then returns the full Location.
func (b *browser) invia(path string, form url.Values, dove string) (string, error) {
	if b.cookie("abilita_csrf") == "" {
		if _, err := b.get("/accedi"); err != nil { // any page gives the token
			return "", err
		}
	}
	form.Set("_csrf", b.cookie("abilita_csrf"))
	res, err := b.http.PostForm(b.base+path, form)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || strings.SplitN(loc, "?", 2)[0] != dove {
		return "", fmt.Errorf("POST %s: status %d, Location %q, want 303 to %s: %s", path, res.StatusCode, loc, dove, estratto(body))
	}
	return loc, nil
}

// accedi logs b in as a with the password and, when a has an
// authenticator, the code codice.
func (b *browser) accedi(a account, codice string) error {
	credenziali := url.Values{"identificativo": {a.Identificativo}, "password": {password}}
	if a.Segreto == "" {
		_, err := b.invia("/accedi", credenziali, "/area")
		return err
	}
	if _, err := b.invia("/accedi", credenziali, "/accedi/codice"); err != nil {
		return err
	}
	_, err := b.invia("/accedi/codice", url.Values{"codice": {codice}}, "/area")
	return err
}

// passi remembers the last TOTP step each account of a data set used: the
// server accepts a step once per account.
type passi struct {
	mu     sync.Mutex
	ultimo map[uint64]int64
}

// codice returns a code of a's authenticator that the server still
// accepts — of the current step, or of the next (the server allows ±1) when
// the current one was used — and marks its step used; ok is false when
// both were used.
func (p *passi) codice(a account) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ora := time.Now()
	for _, t := range []time.Time{ora, ora.Add(security.TOTPPeriodo)} {
		if passo := security.PassoTOTP(t); passo > p.ultimo[a.ID] {
			c, err := security.CodiceTOTP(a.Segreto, t)
			if err == nil {
				p.ultimo[a.ID] = passo
			}
			return c, err == nil, err
		}
	}
	return "", false, nil
}

// accediUnaVolta logs b in as a, waiting when needed for a TOTP step that
// a has not used yet.
func (b *browser) accediUnaVolta(a account, p *passi) error {
	if a.Segreto == "" {
		return b.accedi(a, "")
	}
	for {
		c, ok, err := p.codice(a)
		if err != nil {
			return err
		}
		if ok {
			return b.accedi(a, c)
		}
		time.Sleep(time.Second)
	}
}

var (
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reSpazi = regexp.MustCompile(`\s+`)
)

// estratto is the text of the main content of a page, short: what an
// error message shows of an unexpected answer.
func estratto(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	s = strings.TrimSpace(reSpazi.ReplaceAllString(html.UnescapeString(reTag.ReplaceAllString(s, " ")), " "))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
