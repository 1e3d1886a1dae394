package client

import (
	"math"
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
	ok := p.object([]string{"runId", "store", "content", "nextOffset"}, func(key string) bool {
		switch key {
		case "runId":
			return p.strField(&out.RunID)
		case "store":
			return p.strField(&out.Store)
		case "content":
			return p.strField(&out.Content)
		default:
			return p.int64Ptr(&out.NextOffset)
		}
	}, 0)
	if !ok || !p.end() {
		return false
	}
	*s = out
	return true
}

// runKeys are the keys Run reads (json tags), in its order.
var runKeys = []string{"id", "companyId", "agentId", "invocationSource", "triggerDetail", "status", "startedAt",
	"finishedAt", "createdAt", "error", "errorCode", "exitCode", "signal", "logBytes", "stdoutExcerpt",
	"stderrExcerpt", "contextSnapshot", "execution"}

// decodeFast reads a run: about 47 KB for a failed run with output, most
// of it resultJson and the stdout excerpt, which took encoding/json 0.7 ms
// here (three walks of every byte, and the skipped resultJson walked as
// closely as the rest); this reads it once.
func (r *Run) decodeFast(body []byte) bool {
	out := *r
	p := jsonScan{b: body}
	ok := p.object(runKeys, func(key string) bool { return out.field(&p, key) }, 0)
	if !ok || !p.end() {
		return false
	}
	*r = out
	return true
}

// field reads the value of one of runKeys into r.
func (r *Run) field(p *jsonScan, key string) bool {
	switch key {
	case "id":
		return p.strField(&r.ID)
	case "companyId":
		return p.strField(&r.CompanyID)
	case "agentId":
		return p.strField(&r.AgentID)
	case "invocationSource":
		return p.strField(&r.InvocationSource)
	case "triggerDetail":
		return p.strField(&r.TriggerDetail)
	case "status":
		return p.strField(&r.Status)
	case "createdAt":
		return p.strField(&r.CreatedAt)
	case "startedAt":
		return p.strPtr(&r.StartedAt)
	case "finishedAt":
		return p.strPtr(&r.FinishedAt)
	case "error":
		return p.strPtr(&r.Error)
	case "errorCode":
		return p.strPtr(&r.ErrorCode)
	case "signal":
		return p.strPtr(&r.Signal)
	case "stdoutExcerpt":
		return p.strPtr(&r.StdoutExcerpt)
	case "stderrExcerpt":
		return p.strPtr(&r.StderrExcerpt)
	case "exitCode":
		if p.word("null") {
			r.ExitCode = nil
			return true
		}
		n, ok := p.int64()
		if !ok || n < math.MinInt || n > math.MaxInt {
			return false
		}
		v := int(n)
		r.ExitCode = &v
		return true
	case "logBytes":
		return p.int64Ptr(&r.LogBytes)
	case "contextSnapshot":
		raw, ok := p.raw()
		if ok {
			r.ContextSnapshot = raw
		}
		return ok
	case "execution":
		if p.word("null") {
			r.Execution = nil
			return true
		}
		var e RunExecution
		if r.Execution != nil {
			e = *r.Execution // encoding/json decodes into what is there
		}
		ok := p.object([]string{"phase", "label", "cause"}, func(key string) bool {
			switch key {
			case "phase":
				return p.strField(&e.Phase)
			case "label":
				return p.strField(&e.Label)
			default:
				return p.strField(&e.Cause)
			}
		}, 1)
		if ok {
			r.Execution = &e
		}
		return ok
	}
	return false
}

// maxDepth bounds the nesting the fast path reads; deeper bodies are left
// to encoding/json.
const maxDepth = 64

// object reads an object: for each key of known, field reads its value;
// every other value is checked and skipped. A key that matches one of known
// only without regard to case is declined (encoding/json would take it).
func (p *jsonScan) object(known []string, field func(key string) bool, depth int) bool {
	if depth > maxDepth || !p.lit('{') {
		return false
	}
	if p.lit('}') {
		return true
	}
	for {
		key, ok := p.text(known != nil) // a skipped object's keys are only checked
		if !ok || !p.lit(':') {
			return false
		}
		exact, folded := false, false
		for _, k := range known {
			if key == k {
				exact = true
				break
			}
			folded = folded || strings.EqualFold(key, k)
		}
		switch {
		case exact:
			ok = field(key)
		case folded:
			return false
		default:
			ok = p.skip(depth + 1)
		}
		if !ok {
			return false
		}
		if p.lit('}') {
			return true
		}
		if !p.lit(',') {
			return false
		}
	}
}

// skip checks and skips any value.
func (p *jsonScan) skip(depth int) bool {
	p.ws()
	if depth > maxDepth || p.i >= len(p.b) {
		return false
	}
	switch p.b[p.i] {
	case '{':
		return p.object(nil, nil, depth)
	case '[':
		p.i++
		if p.lit(']') {
			return true
		}
		for {
			if !p.skip(depth + 1) {
				return false
			}
			if p.lit(']') {
				return true
			}
			if !p.lit(',') {
				return false
			}
		}
	default:
		return p.scalar()
	}
}

// raw takes any value and returns a copy of its bytes, as json.RawMessage
// does.
func (p *jsonScan) raw() ([]byte, bool) {
	p.ws()
	start := p.i
	if !p.skip(1) {
		return nil, false
	}
	return append([]byte(nil), p.b[start:p.i]...), true
}

// strField reads a string into *v; null leaves *v as it is, as in
// encoding/json.
func (p *jsonScan) strField(v *string) bool {
	if p.word("null") {
		return true
	}
	s, ok := p.str()
	if ok {
		*v = s
	}
	return ok
}

// strPtr reads a string or null into *v.
func (p *jsonScan) strPtr(v **string) bool {
	if p.word("null") {
		*v = nil
		return true
	}
	s, ok := p.str()
	if ok {
		*v = &s
	}
	return ok
}

// int64Ptr reads an integer or null into *v.
func (p *jsonScan) int64Ptr(v **int64) bool {
	if p.word("null") {
		*v = nil
		return true
	}
	n, ok := p.int64()
	if ok {
		*v = &n
	}
	return ok
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
		_, ok := p.text(false)
		return ok
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return p.word("null") || p.word("true") || p.word("false")
	}
}

// int64 takes a number without fraction or exponent that fits an int64.
func (p *jsonScan) int64() (int64, bool) {
	p.ws()
	start := p.i
	if !p.number() {
		return 0, false
	}
	num := string(p.b[start:p.i])
	if strings.ContainsAny(num, ".eE") {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

// number takes a number in JSON's grammar.
func (p *jsonScan) number() bool {
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
		return false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !digits() {
			return false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !digits() {
			return false
		}
	}
	return true
}

// str takes a string and returns it unescaped. It declines what
// encoding/json would not return byte for byte as written: invalid UTF-8
// (encoding/json replaces it) and \u escapes of surrogates (pairs and lone
// halves have rules of their own there).
func (p *jsonScan) str() (string, bool) {
	return p.text(true)
}

// text reads a string, unescaped when keep is set; else it is only checked
// as JSON (any \u escape goes, as nothing is made of it).
func (p *jsonScan) text(keep bool) (string, bool) {
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
		if keep && !ascii && !utf8.Valid(seg) {
			return "", false
		}
		if c == '"' {
			p.i = i + 1
			switch {
			case !keep:
				return "", true
			case !escaped:
				return string(seg), true
			}
			out.Write(seg)
			return out.String(), true
		}
		if i+1 >= len(b) {
			return "", false
		}
		if !keep {
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b[i+2 : min(len(b), i+6)]); !ok || i+6 > len(b) {
					return "", false
				}
				i += 6
			default:
				return "", false
			}
			continue
		}
		if !escaped {
			escaped = true
			out.Grow(len(b) - run) // the rest of the body is the most it can hold
		}
		out.Write(seg)
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
