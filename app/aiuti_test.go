package app

import (
	"io"
	"log/slog"
	"testing"

	"abilita/notify"
	"abilita/security"
)

// apriDiProva opens an installation in a new data folder with the options
// args, cheap hashes and no relay, and closes it when the test ends.
func apriDiProva(t *testing.T, args ...string) *App {
	t.Helper()
	cfg, err := ParseConfig(append([]string{"--data", t.TempDir()}, args...), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Argon = security.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	a, err := Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.NewRouter(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
