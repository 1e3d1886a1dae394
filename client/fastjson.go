package client

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// fastDecoder is an answer type with a one-pass decoder for its usual
// shape. decodeFast reports whether it read the body exactly as
// json.Unmarshal would; when it did not (any shape or value it is unsure
// of), it changed nothing and decodeJSON lets encoding/json decide, errors
// included. FuzzFastDecode holds every true answer to json.Unmarshal's.
type fastDecoder interface {
	decodeFast(body []byte) bool
}

// decodeFast reads a log answer, {"runId","store","logRef","content",
// "nextOffset"}: its content is the log slice, NDJSON escaped inside a JSON
// string. encoding/json walks such a body three times byte by byte (once to
// check it, twice to decode), which made decoding the largest part of what a
// log read adds to Paperclip's own time; this reads it once, copying the
// runs between escapes.
func (s *RunLogSlice) decodeFast(body []byte) bool {
	out := *s
	p := jsonScan{b: body}
	if !p.lit('{') {
		return false
	}
	if p.lit('}') {
		return p.end()
	}
	for {
		key, ok := p.str()
		if !ok || !p.lit(':') {
			return false
		}
		switch key {
		case "runId", "store", "content":
			v, ok := p.str()
			if !ok {
				return false
			}
			switch key {
			case "runId":
				out.RunID = v
			case "store":
				out.Store = v
			default:
				out.Content = v
			}
		case "nextOffset":
			if p.word("null") {
				out.NextOffset = nil
				break
			}
			n, ok := p.int64()
			if !ok {
				return false
			}
			out.NextOffset = &n
		default:
			// encoding/json matches keys without regard to case too.
			for _, k := range [...]string{"runId", "store", "content", "nextOffset"} {
				if strings.EqualFold(key, k) {
					return false
				}
			}
			if !p.scalar() {
				return false
			}
		}
		if p.lit('}') {
			break
		}
		if !p.lit(',') {
			return false
		}
	}
	if !p.end() {
		return false
	}
	*s = out
	return true
}

// jsonScan reads JSON from b at i; every method skips white space first
// and answers false for what it does not take.
type jsonScan struct {
	b []byte
	i int
}

func (p *jsonScan) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// lit takes the byte c.
func (p *jsonScan) lit(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end: nothing but white space is left.
func (p *jsonScan) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// word takes a literal (null, true, false).
func (p *jsonScan) word(w string) bool {
	p.ws()
	if len(p.b)-p.i < len(w) || string(p.b[p.i:p.i+len(w)]) != w {
		return false
	}
	p.i += len(w)
	return true
}

// scalar skips a string, a number, true, false or null.
func (p *jsonScan) scalar() bool {
	p.ws()
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		_, ok := p.str()
		return ok
	case c == '-' || c >= '0' && c <= '9':
		_, ok := p.number()
		return ok
	default:
		return p.word("null") || p.word("true") || p.word("false")
	}
}

// int64 takes a number without fraction or exponent that fits an int64.
func (p *jsonScan) int64() (int64, bool) {
	p.ws()
	num, ok := p.number()
	if !ok || strings.ContainsAny(num, ".eE") {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

// number takes a number in JSON's grammar and returns its text.
func (p *jsonScan) number() (string, bool) {
	start := p.i
	digits := func() bool {
		n := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		return p.i > n
	}
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case !digits():
		return "", false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !digits() {
			return "", false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !digits() {
			return "", false
		}
	}
	return string(p.b[start:p.i]), true
}

// str takes a string and returns it unescaped. It declines what
// encoding/json would not return byte for byte as written: invalid UTF-8
// (encoding/json replaces it) and \u escapes of surrogates (pairs and lone
// halves have rules of their own there).
func (p *jsonScan) str() (string, bool) {
	p.ws()
	b, i := p.b, p.i
	if i >= len(b) || b[i] != '"' {
		return "", false
	}
	i++
	var out strings.Builder // empty until the first escape
	escaped := false
	run, ascii := i, true
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i == len(b) {
			return "", false
		}
		c := b[i]
		if c >= utf8.RuneSelf {
			ascii = false
			i++
			continue
		}
		if c < 0x20 {
			return "", false
		}
		// A quote or a backslash ends the run since the last escape.
		seg := b[run:i]
		if !ascii && !utf8.Valid(seg) {
			return "", false
		}
		if c == '"' {
			p.i = i + 1
			if !escaped {
				return string(seg), true
			}
			out.Write(seg)
			return out.String(), true
		}
		if !escaped {
			escaped = true
			out.Grow(len(b) - run) // the rest of the body is the most it can hold
		}
		out.Write(seg)
		if i+1 >= len(b) {
			return "", false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out.WriteByte(e)
		case 'b':
			out.WriteByte('\b')
		case 'f':
			out.WriteByte('\f')
		case 'n':
			out.WriteByte('\n')
		case 'r':
			out.WriteByte('\r')
		case 't':
			out.WriteByte('\t')
		case 'u':
			if i+6 > len(b) {
				return "", false
			}
			r, ok := hex4(b[i+2 : i+6])
			if !ok || r >= 0xD800 && r <= 0xDFFF {
				return "", false
			}
			out.WriteRune(r)
			i += 4
		default:
			return "", false
		}
		i += 2
		run, ascii = i, true
	}
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// plain marks the bytes a string holds as they are: printable ASCII but the
// quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
