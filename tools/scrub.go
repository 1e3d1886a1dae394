package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// The scrubber: what must never leave the server (the API key, and the
// secret values tools were given) is replaced in every text, error and
// structured result, and in every log line a tool writes.

const redacted = "[redacted]"

// minScrubLen: shorter values are not scrubbed (replacing every "ab" in a
// result would make it unreadable, and a value that short is no secret).
const minScrubLen = 4

// givenSecrets is the set of secret values this server was given, for the
// life of the process. The zero value is ready to use.
type givenSecrets struct {
	mu     sync.RWMutex
	values []string // raw values and their JSON-escaped forms, longest first
}

// remember adds a secret value (and its JSON-escaped form, as it would
// appear inside a structured result) to the values scrubbed.
func (g *givenSecrets) remember(v string) {
	if len(v) < minScrubLen {
		return
	}
	forms := []string{v}
	if js, err := json.Marshal(v); err == nil {
		if esc := string(js[1 : len(js)-1]); esc != v {
			forms = append(forms, esc)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	next := append([]string(nil), g.values...) // copy on write: list hands out the old slice
	for _, f := range forms {
		known := false
		for _, have := range next {
			known = known || have == f
		}
		if !known {
			next = append(next, f)
		}
	}
	sort.SliceStable(next, func(i, j int) bool { return len(next[i]) > len(next[j]) })
	g.values = next
}

func (g *givenSecrets) list() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.values
}

// rememberSecret marks a value as secret from now on: call it before the
// value is sent, so that an error echoing it is scrubbed too.
func (d *Deps) rememberSecret(v string) {
	if d != nil {
		d.given.remember(v)
	}
}

// scrub removes the API key and the given secret values from a text.
func (d *Deps) scrub(s string) string {
	if d == nil {
		return s
	}
	if len(d.APIKey) >= 8 {
		s = strings.ReplaceAll(s, d.APIKey, redacted)
	}
	for _, v := range d.given.list() {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return s
}

// scrubBytes is scrub for a structured result. It keeps the result JSON:
// a secret that is also a JSON literal or number ("true", "1234") is
// replaced in the decoded value, where it cannot break the syntax.
func (d *Deps) scrubBytes(b []byte) []byte {
	if d == nil {
		return b
	}
	orig, changed := b, false
	replace := func(v string) {
		if bytes.Contains(b, []byte(v)) {
			b, changed = bytes.ReplaceAll(b, []byte(v), []byte(redacted)), true
		}
	}
	if len(d.APIKey) >= 8 {
		replace(d.APIKey)
	}
	for _, v := range d.given.list() {
		replace(v)
	}
	if !changed || json.Valid(b) {
		return b
	}
	return d.scrubTree(orig)
}

// scrubTree scrubs a JSON document value by value: keys and strings as
// texts, and a number that holds a secret becomes the string "[redacted]".
func (d *Deps) scrubTree(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return []byte(`"` + redacted + `"`)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return d.scrub(t)
		case json.Number:
			if s := d.scrub(t.String()); s != t.String() {
				return redacted
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, x := range t {
				out[d.scrub(k)] = walk(x)
			}
			return out
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		return []byte(`"` + redacted + `"`)
	}
	return out
}

// scrubCallerText removes the caller's own Paperclip key (HTTP
// pass-through: each caller brings one) from a text, as scrub does the
// configured key.
func scrubCallerText(ctx context.Context, s string) string {
	if key := client.CallerKey(ctx); len(key) >= 8 {
		return strings.ReplaceAll(s, key, redacted)
	}
	return s
}

// scrubCaller is scrubCallerText for a whole result.
func scrubCaller(ctx context.Context, res *mcp.CallToolResult) *mcp.CallToolResult {
	key := client.CallerKey(ctx)
	if res == nil || len(key) < 8 {
		return res
	}
	d := &Deps{APIKey: key}
	for i, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			t.Text = d.scrub(t.Text)
			res.Content[i] = t
		}
	}
	if raw, ok := res.StructuredContent.(json.RawMessage); ok {
		res.StructuredContent = json.RawMessage(d.scrubBytes(raw))
	}
	return res
}
