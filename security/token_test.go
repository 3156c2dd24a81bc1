package security

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		tok := NewToken()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, err %v", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestNewCode(t *testing.T) {
	for _, bits := range []int{1, 5, 6, 40, 64, 80} {
		code := NewCode(bits)
		if want := (bits + 4) / 5; len(code) != want {
			t.Errorf("NewCode(%d) = %q, %d characters, want %d", bits, code, len(code), want)
		}
		if strings.Trim(code, crockford) != "" {
			t.Errorf("NewCode(%d) = %q has characters outside Crockford base32", bits, code)
		}
	}
	// Every symbol should turn up in a long run: catches a biased or stuck mapping.
	all := NewCode(5 * 4000)
	for _, c := range crockford {
		if !strings.ContainsRune(all, c) {
			t.Errorf("symbol %c never generated", c)
		}
	}
}

func TestFormatAndNormalizeCode(t *testing.T) {
	tests := []struct{ code, formatted string }{
		{"", ""},
		{"ABC", "ABC"},
		{"ABCD", "ABCD"},
		{"ABCDEFGHJK", "ABCD-EFGH-JK"},
		{"0123456789AB", "0123-4567-89AB"},
	}
	for _, tt := range tests {
		if got := FormatCode(tt.code); got != tt.formatted {
			t.Errorf("FormatCode(%q) = %q, want %q", tt.code, got, tt.formatted)
		}
		if got := NormalizeCode(tt.formatted); got != tt.code {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tt.formatted, got, tt.code)
		}
	}
	if got := NormalizeCode(" abcd-efgh ijkl-mnop "); got != "ABCDEFGH1JK1MN0P" {
		t.Errorf("NormalizeCode of typed input = %q", got)
	}
}

func TestHashAndEqualTokens(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2 test vector).
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashToken(abc) = %s", got)
	}
	a := NewToken()
	if !EqualTokens(a, a) || !EqualTokens(HashToken(a), HashToken(a)) {
		t.Error("equal tokens compared unequal")
	}
	if EqualTokens(a, NewToken()) || EqualTokens(a, a[:10]) || EqualTokens(a, "") {
		t.Error("different tokens compared equal")
	}
}
