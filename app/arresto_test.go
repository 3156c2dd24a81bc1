package app

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"
)

// A stop during an upload waits for it up to the grace, then cuts it and
// ends cleanly (Serve returns nil, so the process exits 0).
func TestArrestoConCaricamentoInCorso(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	a := apriDiProva(t, "--addr", addr, "--shutdown-grace", "300ms")
	ctx, cancel := context.WithCancel(context.Background())
	servito := make(chan error, 1)
	go func() { servito <- a.Serve(ctx) }()
	var c net.Conn
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
	}
	defer c.Close()
	// An upload that has sent its headers and part of its body, and goes on.
	fmt.Fprintf(c, "POST /richieste/1/allegati HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n--x\r\n", addr)
	for a.Fiber.Server().GetOpenConnectionsCount() == 0 {
		time.Sleep(time.Millisecond) // until the server holds the connection
	}
	inizio := time.Now()
	cancel()
	select {
	case err := <-servito:
		if err != nil {
			t.Errorf("Serve after the grace = %v, want nil", err)
		}
		if d := time.Since(inizio); d < 250*time.Millisecond {
			t.Errorf("stopped after %v, without waiting for the upload", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return 10 s after the stop")
	}
}
