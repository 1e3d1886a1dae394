package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The markdown renderers share these helpers: one line per row, times in UTC
// to the second, the next call spelled out.

// shortTime turns an RFC 3339 timestamp into "2026-11-26 11:20:05Z".
func shortTime(ts string) string {
	if ts == "" {
		return "-"
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// clockTime turns an RFC 3339 timestamp into "11:20:05.123".
func clockTime(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format("15:04:05.000")
}

// durationMs is finished-started in milliseconds, or nil.
func durationMs(started, finished *string) *int64 {
	if started == nil || finished == nil {
		return nil
	}
	a, err1 := time.Parse(time.RFC3339Nano, *started)
	b, err2 := time.Parse(time.RFC3339Nano, *finished)
	if err1 != nil || err2 != nil {
		return nil
	}
	ms := b.Sub(a).Milliseconds()
	return &ms
}

func humanDuration(ms *int64) string {
	if ms == nil {
		return "-"
	}
	d := time.Duration(*ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", *ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1024/1024)
	}
}

// oneLine folds whitespace so that a value fits on one markdown line.
func oneLine(s string, max int) string {
	return clip(strings.Join(strings.Fields(s), " "), max)
}

// jsonText is v as one line of plain JSON: no HTML escapes (\u003e for >),
// which only make a text harder to read.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimRight(b.String(), "\n")
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// md builds markdown line by line.
type md struct{ b strings.Builder }

func (m *md) line(format string, a ...any) {
	fmt.Fprintf(&m.b, format, a...)
	m.b.WriteByte('\n')
}

func (m *md) blank() { m.b.WriteByte('\n') }

func (m *md) String() string { return strings.TrimRight(m.b.String(), "\n") + "\n" }
