package attach

// lexer splits PDF bytes into names and other regular-character words
// (keywords, numbers), decoding #xx escapes in names. It does not track
// strings or comments: a name inside them is reported as well, which can
// only make the check stricter.
type lexer struct {
	state   lexState
	tok     [maxToken]byte
	n       int  // length of the token; beyond maxToken it matches nothing
	hex     int  // hex digits read after '#'
	hexRaw  byte // the first of them, kept in case the escape is invalid
	hexByte byte
}

type lexState uint8

const (
	betweenTokens lexState = iota
	inName
	inNameEscape
	inWord
)

type tokenKind uint8

const (
	noToken tokenKind = iota
	nameToken
	wordToken
)

// maxToken is longer than any name or keyword the scanner looks for.
const maxToken = 32

// step consumes c and returns the token that c completes, if any. The name
// is returned without its '/' and is valid until the next call.
func (l *lexer) step(c byte) (tokenKind, []byte) {
	kind := noToken
	switch l.state {
	case inNameEscape:
		if v, ok := hexValue(c); ok {
			l.hexByte = l.hexByte<<4 | v
			l.hex++
			if l.hex == 1 {
				l.hexRaw = c
			} else {
				l.add(l.hexByte)
				l.state = inName
			}
			return noToken, nil
		}
		// Not an escape: viewers keep the '#' and what followed literally.
		l.add('#')
		if l.hex == 1 {
			l.add(l.hexRaw)
		}
		l.state = inName
		fallthrough
	case inName:
		if c == '#' {
			l.state, l.hex, l.hexByte = inNameEscape, 0, 0
			return noToken, nil
		}
		if isRegular(c) {
			l.add(c)
			return noToken, nil
		}
		kind = nameToken
	case inWord:
		if isRegular(c) {
			l.add(c)
			return noToken, nil
		}
		kind = wordToken
	}
	var tok []byte
	if kind != noToken && l.n <= maxToken {
		tok = l.tok[:l.n]
	}
	l.state, l.n = betweenTokens, 0
	switch {
	case c == '/':
		l.state = inName
	case isRegular(c):
		l.state = inWord
		l.add(c)
	}
	return kind, tok
}

func (l *lexer) add(c byte) {
	if l.n < maxToken {
		l.tok[l.n] = c
	}
	l.n++
}

// isRegular reports whether c is a PDF regular character: neither white
// space nor a delimiter (ISO 32000-1, 7.2.2).
func isRegular(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// matcher finds a fixed pattern in a byte stream fed one byte at a time
// (Knuth-Morris-Pratt), so matches across buffer boundaries are found.
type matcher struct {
	pattern string
	fail    []int // fail[i]: length of the longest proper border of pattern[:i+1]
	n       int   // bytes of pattern matched so far
}

func newMatcher(pattern string) matcher {
	m := matcher{pattern: pattern, fail: make([]int, len(pattern))}
	for i, k := 1, 0; i < len(pattern); i++ {
		for k > 0 && pattern[i] != pattern[k] {
			k = m.fail[k-1]
		}
		if pattern[i] == pattern[k] {
			k++
		}
		m.fail[i] = k
	}
	return m
}

// next consumes c and reports whether it completes the pattern.
func (m *matcher) next(c byte) bool {
	for m.n > 0 && m.pattern[m.n] != c {
		m.n = m.fail[m.n-1]
	}
	if m.pattern[m.n] == c {
		m.n++
	}
	if m.n == len(m.pattern) {
		m.n = 0
		return true
	}
	return false
}
