package security

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastParams keep tests quick; the logic does not depend on the cost.
var fastParams = Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHasherVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fastParams, DefaultCeiling(), 0)
	encoded, err := h.Hash(ctx, "cavallo batteria graffetta")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", encoded)
	}

	ok, rehash, err := h.Verify(ctx, "cavallo batteria graffetta", encoded)
	if err != nil || !ok || rehash {
		t.Errorf("right password: ok=%v rehash=%v err=%v, want true false nil", ok, rehash, err)
	}
	ok, rehash, err = h.Verify(ctx, "cavallo batteria graffettA", encoded)
	if err != nil || ok || rehash {
		t.Errorf("wrong password: ok=%v rehash=%v err=%v, want false false nil", ok, rehash, err)
	}

	again, _ := h.Hash(ctx, "cavallo batteria graffetta")
	if again == encoded {
		t.Error("two hashes of the same password are equal: salt not random")
	}
}

func TestHasherNeedsRehash(t *testing.T) {
	ctx := context.Background()
	old := NewHasher(fastParams, DefaultCeiling(), 0)
	encoded, err := old.Hash(ctx, "una password abbastanza lunga")
	if err != nil {
		t.Fatal(err)
	}
	for _, change := range []func(*Params){
		func(p *Params) { p.Memory *= 2 },
		func(p *Params) { p.Iterations++ },
		func(p *Params) { p.Parallelism++ },
		func(p *Params) { p.SaltLength = 32 },
		func(p *Params) { p.KeyLength = 64 },
	} {
		p := fastParams
		change(&p)
		h := NewHasher(p, DefaultCeiling(), 0)
		ok, rehash, err := h.Verify(ctx, "una password abbastanza lunga", encoded)
		if err != nil || !ok || !rehash {
			t.Errorf("params %+v: ok=%v rehash=%v err=%v, want true true nil", p, ok, rehash, err)
		}
		ok, rehash, _ = h.Verify(ctx, "sbagliata", encoded)
		if ok || rehash {
			t.Errorf("params %+v, wrong password: ok=%v rehash=%v, want false false", p, ok, rehash)
		}
	}
}

// encodeHash builds an encoded hash by hand, as a tampered record would be.
func encodeHash(m, tm uint32, p uint8, saltLen, keyLen int) string {
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, tm, p,
		b64(make([]byte, saltLen)), b64(make([]byte, keyLen)))
}

func TestHasherRefusesHashesBeyondCeiling(t *testing.T) {
	h := NewHasher(fastParams, DefaultCeiling(), 1)
	tests := map[string]string{
		"memory 4 GiB":      encodeHash(4<<20, 1, 1, 16, 32),
		"iterations":        encodeHash(1024, 1000, 1, 16, 32),
		"parallelism":       encodeHash(1024, 1, 255, 16, 32),
		"salt length":       encodeHash(1024, 1, 1, 65, 32),
		"key length":        encodeHash(1024, 1, 1, 16, 65),
		"huge salt":         encodeHash(1024, 1, 1, 1<<20, 32),
		"zero iterations":   encodeHash(1024, 0, 1, 16, 32),
		"zero parallelism":  encodeHash(1024, 1, 0, 16, 32),
		"empty key":         encodeHash(1024, 1, 1, 16, 0),
		"short salt":        encodeHash(1024, 1, 1, 4, 32),
		"argon2i":           strings.Replace(encodeHash(1024, 1, 1, 16, 32), "argon2id", "argon2i", 1),
		"old version":       strings.Replace(encodeHash(1024, 1, 1, 16, 32), "v=19", "v=16", 1),
		"not a hash":        "password",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"parameters broken": "$argon2id$v=19$m=x,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	}
	for name, encoded := range tests {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ok, _, err := h.Verify(context.Background(), "password", encoded)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if ok || !errors.Is(err, ErrHashRefused) {
				t.Fatalf("ok=%v err=%v, want refusal", ok, err)
			}
			// Computing m=4 GiB would allocate 4 GiB and take seconds; the
			// generous bounds only catch that.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
				t.Errorf("refusal allocated %d bytes", grew)
			}
			if elapsed > time.Second {
				t.Errorf("refusal took %v", elapsed)
			}
		})
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	const limit, callers = 2, 12
	h := NewHasher(fastParams, DefaultCeiling(), limit)
	encoded, err := h.Hash(context.Background(), "password di prova lunga")
	if err != nil {
		t.Fatal(err)
	}
	var running, peak atomic.Int32
	compare := h.compare
	h.compare = func(password, encoded string) (bool, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // let the other callers pile up
		return compare(password, encoded)
	}

	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			if i%3 == 0 {
				h.VerifyDummy(context.Background(), "chiunque")
				return
			}
			if ok, _, err := h.Verify(context.Background(), "password di prova lunga", encoded); !ok || err != nil {
				t.Errorf("Verify: ok=%v err=%v", ok, err)
			}
		})
	}
	wg.Wait()
	if got := peak.Load(); got != limit {
		t.Errorf("at most %d computations ran at once, want exactly %d", got, limit)
	}
}

func TestHasherContextCancelled(t *testing.T) {
	h := NewHasher(fastParams, DefaultCeiling(), 1)
	encoded, err := h.Hash(context.Background(), "password di prova lunga")
	if err != nil {
		t.Fatal(err)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(cancelled, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with a cancelled context: err=%v", err)
	}

	// Hold the only slot, then wait for it with a short deadline.
	entered, leave := make(chan struct{}), make(chan struct{})
	compare := h.compare
	h.compare = func(password, encoded string) (bool, error) {
		close(entered)
		<-leave
		return compare(password, encoded)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Verify(context.Background(), "password di prova lunga", encoded)
	}()
	<-entered

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := h.Verify(ctx, "password di prova lunga", encoded); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify waiting for a slot: err=%v, want DeadlineExceeded", err)
	}
	if _, err := h.Hash(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash waiting for a slot: err=%v, want DeadlineExceeded", err)
	}
	close(leave)
	<-done
}

func TestVerifyDummyComputesWithCurrentParams(t *testing.T) {
	h := NewHasher(fastParams, DefaultCeiling(), 1)
	var calls []string
	compare := h.compare
	h.compare = func(password, encoded string) (bool, error) {
		calls = append(calls, encoded)
		return compare(password, encoded)
	}
	h.VerifyDummy(context.Background(), "qualunque cosa")
	if len(calls) != 1 {
		t.Fatalf("VerifyDummy computed %d hashes, want 1", len(calls))
	}
	if !strings.HasPrefix(calls[0], "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("VerifyDummy used %q, not a hash with the current parameters", calls[0])
	}
}

func TestNewHasherPanicsOnParamsAboveCeiling(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHasher accepted parameters above the ceiling")
		}
	}()
	p := fastParams
	p.Memory = DefaultCeiling().Memory + 1
	NewHasher(p, DefaultCeiling(), 1)
}

func TestDefaultParamsWithinDefaultCeiling(t *testing.T) {
	if err := DefaultParams().check(DefaultCeiling()); err != nil {
		t.Error(err)
	}
}
