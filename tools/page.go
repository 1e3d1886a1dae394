package tools

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Page is the list envelope every list tool returns.
type Page[T any] struct {
	Items      []T  `json:"items"`
	Total      *int `json:"total,omitempty" jsonschema:"description=Exact number of matching items; absent when it cannot be known without reading more than the bounded window"`
	Count      int  `json:"count"`
	Offset     int  `json:"offset"`
	Limit      int  `json:"limit"`
	HasMore    bool `json:"has_more"`
	NextOffset *int `json:"next_offset,omitempty" jsonschema:"description=Offset of the next page; absent on the last page"`
	// Note says what the page cannot show, when anything.
	Note string `json:"note,omitempty"`
}

// pageFrom cuts [offset, offset+limit) out of what was read. read holds
// every matching item when exact is true; otherwise at least one more than
// the page when more exist. It is the one place the envelope is computed.
func pageFrom[T, U any](read []T, offset, limit int, exact bool, view func(*T) U) Page[U] {
	p := Page[U]{Items: []U{}, Offset: offset, Limit: limit}
	for i := min(offset, len(read)); i < min(offset+limit, len(read)); i++ {
		p.Items = append(p.Items, view(&read[i]))
	}
	p.Count = len(p.Items)
	p.HasMore = len(read) > offset+limit
	if exact {
		total := len(read)
		p.Total = &total
	}
	if p.HasMore {
		next := offset + p.Count
		p.NextOffset = &next
	}
	return p
}

// shortenable is a result that can be cut to its first n items so that it
// fits the output bound: a list page.
type shortenable interface {
	itemCount() int
	firstItems(n int) any
}

func (p Page[T]) itemCount() int { return len(p.Items) }

// firstItems is the page cut to its first n items: has_more and
// next_offset then point at the first item not shown, and the note says why.
func (p Page[T]) firstItems(n int) any {
	if n >= len(p.Items) {
		return p
	}
	q := p
	q.Items = append([]T{}, p.Items[:n]...)
	q.Count = n
	q.HasMore = true
	next := p.Offset + n
	q.NextOffset = &next
	q.Note = strings.TrimSpace(fmt.Sprintf("%s Shortened to %d of %d items to stay under %d characters: continue at offset=%d (or ask for a smaller limit).",
		p.Note, n, len(p.Items), maxResultChars, next))
	return q
}

// fitPage cuts a list page to the most items whose JSON and text fit the
// output bound. Other results, and pages that fit, come back unchanged.
func fitPage[R any](r R, render func(R) (js []byte, text string)) (R, []byte, string) {
	js, text := render(r)
	p, ok := any(r).(shortenable)
	if !ok || (len(js) <= maxResultChars && utf8.RuneCountInString(text) <= maxResultChars) {
		return r, js, text
	}
	lo, hi := 0, p.itemCount()-1 // the largest n in [lo, hi] that fits
	best := p.firstItems(0).(R)
	bestJS, bestText := render(best)
	for lo <= hi {
		mid := (lo + hi) / 2
		c := p.firstItems(mid).(R)
		cj, ct := render(c)
		if len(cj) <= maxResultChars && utf8.RuneCountInString(ct) <= maxResultChars {
			best, bestJS, bestText, lo = c, cj, ct, mid+1
		} else {
			hi = mid - 1
		}
	}
	return best, bestJS, bestText
}

// pageTail ends the markdown of a list page: its note (what the page cannot
// show, or that it was shortened to fit the output bound) and the call for
// the next page; more is added after the offset (", and the same filters").
func (m *md) pageTail(note string, next *int, tool, more string) {
	if note != "" {
		m.line("%s", note)
	}
	if next != nil {
		m.line("More: call %s with offset=%d%s.", tool, *next, more)
	}
}
