package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process control: the abilita binary built once, `abilita serve` started
// on a data set, the anchor servers (this program again, with -ancora), and
// the reading of a process's memory from /proc.

// trovaRadice finds the repository root from dir: the folder, dir or above,
// whose go.mod declares module abilita.
func trovaRadice(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(b), "module abilita\n") {
			return d, nil
		}
		su := filepath.Dir(d)
		if su == d {
			return "", fmt.Errorf("no go.mod of module abilita in %s or above: give the repository with -repo", dir)
		}
		d = su
	}
}

// compila builds the abilita binary of the repository radice into bin.
func compila(radice, bin string) error {
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = radice
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return nil
}

// processo is a child process serving HTTP on a loopback port.
type processo struct {
	nome  string
	cmd   *exec.Cmd
	URL   string
	Avvio time.Time // just before the process was started
	log   string
	fine  chan struct{}
}

// portaLibera is a loopback address with a port nobody listens on.
func portaLibera() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// avvia starts bin with args, its output appended to the file log, and
// returns at once; addr is where it will listen. The child dies with this
// process, and gets no ABILITA_* variable: only the flags configure it.
func avvia(nome, bin string, args []string, addr, log string) (*processo, error) {
	out, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ABILITA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	p := &processo{nome: nome, cmd: cmd, URL: "http://" + addr, log: log, fine: make(chan struct{})}
	p.Avvio = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(p.fine) }()
	return p, nil
}

// pronto waits until GET percorso answers 200 and returns the time since
// the process was started.
func (p *processo) pronto(percorso string, limite time.Duration) (time.Duration, error) {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for scadenza := time.Now().Add(limite); time.Now().Before(scadenza); {
		res, err := c.Get(p.URL + percorso)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(p.Avvio), nil
			}
		}
		select {
		case <-p.fine:
			return 0, fmt.Errorf("%s exited while starting: %s", p.nome, p.codaLog())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("%s not ready after %s: %s", p.nome, limite, p.codaLog())
}

// codaLog is the end of the process's output.
func (p *processo) codaLog() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 1500 {
		b = b[len(b)-1500:]
	}
	return strings.TrimSpace(string(b))
}

// ferma asks the process to stop (SIGTERM) and waits for it, killing it
// after 20 s.
func (p *processo) ferma() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.fine:
		return nil
	case <-time.After(20 * time.Second):
		return p.uccidi()
	}
}

// uccidi kills the process (SIGKILL) and waits for it.
func (p *processo) uccidi() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-p.fine
	return nil
}

// memoria is the process's resident set now (VmRSS) and at its peak so far
// (VmHWM), in bytes, from /proc/<pid>/status.
func (p *processo) memoria() (rss, picco uint64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		nome, valore, _ := strings.Cut(sc.Text(), ":")
		if nome != "VmRSS" && nome != "VmHWM" {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(valore), "kB")), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if nome == "VmRSS" {
			rss = kb << 10
		} else {
			picco = kb << 10
		}
	}
	return rss, picco, sc.Err()
}

// sonda samples a process's VmRSS every few milliseconds and keeps the
// largest value.
type sonda struct {
	stop  chan struct{}
	fatto sync.WaitGroup
	picco uint64
}

// campionaRSS starts sampling p every ogni.
func campionaRSS(p *processo, ogni time.Duration) *sonda {
	s := &sonda{stop: make(chan struct{})}
	leggi := func() {
		if rss, _, err := p.memoria(); err == nil {
			s.picco = max(s.picco, rss)
		}
	}
	leggi()
	s.fatto.Add(1)
	go func() {
		defer s.fatto.Done()
		t := time.NewTicker(ogni)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				leggi()
				return
			case <-t.C:
				leggi()
			}
		}
	}()
	return s
}

// ferma stops sampling and returns the peak VmRSS seen.
func (s *sonda) ferma() uint64 {
	close(s.stop)
	s.fatto.Wait()
	return s.picco
}
