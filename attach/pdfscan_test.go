package attach

import (
	"strings"
	"testing"
)

// scan feeds data to a pdfScanner in two writes split at cut.
func scan(data []byte, cut int) *Rifiuto {
	s := newPDFScanner()
	if _, err := s.Write(data[:cut]); err != nil {
		return s.close()
	}
	if _, err := s.Write(data[cut:]); err != nil {
		return s.close()
	}
	return s.close()
}

func TestPDFScannerEverySplit(t *testing.T) {
	tests := []struct {
		name string
		pdf  []byte
		want string // substring of the refusal, "" for none
	}{
		{"clean", minimalPDF(""), ""},
		{"names that only start alike", minimalPDF("4 0 obj << /JSON 1 /JavaScripts 2 /Launcher 3 /XFAX 4 >> endobj\n"), ""},
		{"javascript", minimalPDF("4 0 obj<</S/JavaScript>>endobj\n"), "JavaScript"},
		{"escaped", minimalPDF("4 0 obj<</S/#4aava#53cript>>endobj\n"), "JavaScript"},
		{"broken escape kept literally", minimalPDF("4 0 obj<</S/J#xS>>endobj\n"), ""},
		{"in object stream", minimalPDF(objStm(t, "<</AA<</O<</S/Launch/F(x)>>>>>>")), "avviano programmi"},
		{"/JS counts again after the stream", minimalPDF("9 0 obj<</Length 20>>stream\nxx/JS endstreendstream\n" +
			"4 0 obj<</JS(x)>>endobj\n"), "JavaScript"},
		{"/JS ignored inside the stream", minimalPDF("9 0 obj<</Length 20>>stream\nxx/JS endstreendstrea\n" +
			"4 0 obj<</JS(x)>>endobj\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for cut := range len(tt.pdf) + 1 {
				r := scan(tt.pdf, cut)
				switch {
				case tt.want == "" && r != nil:
					t.Fatalf("split at %d: refused: %s", cut, r.Messaggio)
				case tt.want != "" && (r == nil || !strings.Contains(r.Messaggio, tt.want)):
					t.Fatalf("split at %d: got %v, want a refusal containing %q", cut, r, tt.want)
				}
			}
		})
	}
}

func TestMatcher(t *testing.T) {
	m := newMatcher("endstream")
	var at []int
	for i, c := range []byte("xxendstreendstream endstreamendstream") {
		if m.next(c) {
			at = append(at, i)
		}
	}
	if want := []int{17, 27, 36}; len(at) != len(want) || at[0] != want[0] || at[1] != want[1] || at[2] != want[2] {
		t.Errorf("matches end at %v, want %v", at, want)
	}
}
