package security

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/alexedwards/argon2id"
)

// ErrHashRefused is returned by Verify when a stored hash is malformed or asks
// for parameters beyond the hasher's ceiling. Such a hash is never computed:
// a tampered or corrupt record must not be able to make the server allocate
// gigabytes or spin for minutes.
var ErrHashRefused = errors.New("security: stored password hash refused")

// Params are the argon2id cost parameters.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams returns m=19456 KiB (19 MiB), t=2, p=1, a 16-byte salt and a
// 32-byte key: the first argon2id configuration in the OWASP Password Storage
// Cheat Sheet. It is the minimum OWASP accepts, chosen because the server
// bounds memory as concurrent hashes × m: with NumCPU slots a login flood on a
// small machine costs tens of MiB instead of the gigabytes that RFC 9106's
// 2 GiB profile would need, and one hash still takes tens of milliseconds.
// Raise Memory in configuration when the machine allows; stored hashes are
// upgraded at the next login (see Verify's needsRehash).
func DefaultParams() Params {
	return Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// DefaultCeiling returns the largest parameters Verify accepts from a stored
// hash unless configured otherwise: 256 MiB, 10 passes, 8 lanes, 64-byte salt
// and key. It leaves room to raise DefaultParams several times over.
func DefaultCeiling() Params {
	return Params{Memory: 256 << 10, Iterations: 10, Parallelism: 8, SaltLength: 64, KeyLength: 64}
}

// Minimums below which a stored hash is refused: t=0 or p=0 would make the
// argon2 package panic, and an empty key would compare equal to any password.
const (
	minSaltLength = 8
	minKeyLength  = 16
)

// check reports why p is unusable or exceeds ceiling, or nil.
func (p Params) check(ceiling Params) error {
	switch {
	case p.Iterations < 1 || p.Parallelism < 1:
		return errors.New("iterations and parallelism must be at least 1")
	case p.SaltLength < minSaltLength || p.KeyLength < minKeyLength:
		return fmt.Errorf("salt must be at least %d bytes and key at least %d bytes", minSaltLength, minKeyLength)
	case p.Memory > ceiling.Memory, p.Iterations > ceiling.Iterations, p.Parallelism > ceiling.Parallelism,
		p.SaltLength > ceiling.SaltLength, p.KeyLength > ceiling.KeyLength:
		return fmt.Errorf("parameters %+v exceed ceiling %+v", p, ceiling)
	}
	return nil
}

// maxEncodedLen bounds the length of an encoded hash within ceiling, so that
// an oversized record is refused before argon2id.DecodeHash allocates for it.
func maxEncodedLen(ceiling Params) int {
	const fixed = len("$argon2id$v=19$m=4294967295,t=4294967295,p=255$$")
	b64 := func(n uint32) int { return (int(n)*4 + 2) / 3 }
	return fixed + b64(ceiling.SaltLength) + b64(ceiling.KeyLength)
}

// Hasher hashes and verifies passwords with argon2id, running at most a fixed
// number of computations at a time so that memory stays bounded under a
// login flood. It is safe for concurrent use.
type Hasher struct {
	params  Params
	ceiling Params
	slots   chan struct{}
	dummy   string
	attese  atomic.Int64 // computations waiting for a slot

	// compare is argon2id.ComparePasswordAndHash; tests wrap it to observe
	// how many computations run at once.
	compare func(password, encoded string) (bool, error)
}

// NewHasher returns a Hasher that hashes with p, refuses stored hashes whose
// parameters exceed ceiling and runs at most maxConcurrent computations at
// once (runtime.NumCPU() when maxConcurrent <= 0). It computes one hash to
// serve VerifyDummy. It panics if p is unusable or exceeds ceiling: that is a
// configuration error every hash would inherit, better caught at start-up.
func NewHasher(p, ceiling Params, maxConcurrent int) *Hasher {
	if err := p.check(ceiling); err != nil {
		panic("security: invalid password hashing parameters: " + err.Error())
	}
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	h := &Hasher{
		params:  p,
		ceiling: ceiling,
		slots:   make(chan struct{}, maxConcurrent),
		compare: argon2id.ComparePasswordAndHash,
	}
	dummy, err := argon2id.CreateHash(NewToken(), h.argonParams())
	if err != nil {
		panic("security: creating the dummy password hash: " + err.Error())
	}
	h.dummy = dummy
	return h
}

func (h *Hasher) argonParams() *argon2id.Params {
	return &argon2id.Params{
		Memory:      h.params.Memory,
		Iterations:  h.params.Iterations,
		Parallelism: h.params.Parallelism,
		SaltLength:  h.params.SaltLength,
		KeyLength:   h.params.KeyLength,
	}
}

// acquire waits for a computation slot; the caller must call release.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.attese.Add(1)
	defer h.attese.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Coda reports the computations running now and those waiting for a slot:
// the argon2id queue a login flood builds.
func (h *Hasher) Coda() (inCorso, inAttesa int) {
	return len(h.slots), int(h.attese.Load())
}

// Hash returns the encoded argon2id hash of password with the current
// parameters. It returns ctx.Err() if ctx ends while waiting for a slot.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return argon2id.CreateHash(password, h.argonParams())
}

// Verify reports whether password matches the encoded hash, comparing in
// constant time. When it matches, needsRehash reports that the hash was made
// with parameters other than the current ones, and the caller should store a
// fresh Hash of the password it now knows is right.
//
// A malformed hash, or one whose parameters exceed the ceiling, is refused
// with an error wrapping ErrHashRefused before any hashing work. Verify
// returns ctx.Err() if ctx ends while waiting for a slot.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	if len(encoded) > maxEncodedLen(h.ceiling) {
		return false, false, fmt.Errorf("%w: encoded hash is %d bytes long", ErrHashRefused, len(encoded))
	}
	ap, _, _, err := argon2id.DecodeHash(encoded)
	if err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrHashRefused, err)
	}
	stored := Params{
		Memory:      ap.Memory,
		Iterations:  ap.Iterations,
		Parallelism: ap.Parallelism,
		SaltLength:  ap.SaltLength,
		KeyLength:   ap.KeyLength,
	}
	if err := stored.check(h.ceiling); err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrHashRefused, err)
	}

	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	ok, err = h.compare(password, encoded)
	if err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrHashRefused, err)
	}
	return ok, ok && stored != h.params, nil
}

// VerifyDummy spends the time of a Verify against a hash with the current
// parameters and discards the result. Call it when the user does not exist,
// so that unknown users and wrong passwords cost the same time.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) {
	if h.acquire(ctx) != nil {
		return
	}
	defer h.release()
	_, _ = h.compare(password, h.dummy)
}
