package tools

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// FuzzLogSlicesJoin is the log contract as a property: for any UTF-8 log
// (real U+FFFD characters included) and any slice size, walking the log
// with nextOffset returns whole characters only and rebuilds it byte for
// byte, the server side being simulated exactly (a raw byte slice decoded on
// its own, as Node does). `go test` runs the seeds; `go test -fuzz
// FuzzLogSlicesJoin ./tools` explores.
func FuzzLogSlicesJoin(f *testing.F) {
	for _, seed := range []string{
		"plain ascii line\n",
		"héllo wörld ✓ 日本語 🚀🎉",
		"\uFFFD at the start, in the \uFFFD middle and the end \uFFFD",
		"🚀\uFFFD🚀\uFFFD\uFFFD日本",
		strings.Repeat("ß", 50) + strings.Repeat("🎉", 20),
	} {
		for _, limit := range []uint8{4, 5, 6, 7, 9, 13, 64} {
			f.Add(seed, limit)
		}
	}
	f.Fuzz(func(t *testing.T, text string, limit8 uint8) {
		log := []byte(strings.ToValidUTF8(text, "?"))
		limit := 4 + int(limit8)%61
		size := int64(len(log))
		run := &client.Run{ID: "r", Status: "succeeded", LogBytes: &size}
		var joined []byte
		offset := int64(0)
		for calls := 0; offset < size; calls++ {
			if calls > len(log)+1 {
				t.Fatalf("no progress at offset %d (limit %d)", offset, limit)
			}
			end := min(offset+int64(limit), size)
			res := &client.RunLogSlice{Content: nodeDecode(log[offset:end])}
			if end < size {
				next := end
				res.NextOffset = &next
			}
			s, err := buildSlice(run, offset, limit, res, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Offset != offset {
				t.Fatalf("offset moved from %d to %d on a walk that only follows nextOffset", offset, s.Offset)
			}
			if !utf8.ValidString(s.Content) || s.Content != string(log[s.Offset:s.NextOffset]) {
				t.Fatalf("limit %d offset %d: content %q is not bytes [%d,%d) %q", limit, offset, s.Content, s.Offset, s.NextOffset, log[s.Offset:s.NextOffset])
			}
			if s.NextOffset <= offset {
				t.Fatalf("limit %d: no progress at %d", limit, offset)
			}
			joined = append(joined, s.Content...)
			offset = s.NextOffset
		}
		if string(joined) != string(log) {
			t.Fatalf("joined %q != log %q", joined, log)
		}
	})
}

// FuzzLogAnyOffset: a read from any byte offset (inside a character too,
// next to real U+FFFD characters) returns exactly the bytes it says, whole
// characters only, with the probe getRunLog makes when a slice reads two ways.
func FuzzLogAnyOffset(f *testing.F) {
	f.Add("héllo wörld ✓ 日本語 🚀🎉", uint8(7), uint16(3))
	f.Add("🚀\uFFFD🚀\uFFFD\uFFFD日本", uint8(3), uint16(5))
	f.Add("\x80?00\U0001F600", uint8(3), uint16(3))            // offset on a last continuation byte, emoji cut at the end
	f.Add("\uFFFD\U0001F680\x00\x00\x00", uint8(0), uint16(1)) // offset inside a real U+FFFD
	f.Fuzz(func(t *testing.T, text string, limit8 uint8, off16 uint16) {
		log := []byte(strings.ToValidUTF8(text, "?"))
		if len(log) == 0 {
			return
		}
		limit := 4 + int(limit8)%61
		size := int64(len(log))
		offset := int64(off16) % size
		run := &client.Run{ID: "r", Status: "succeeded", LogBytes: &size}
		read := func(off int64, n int) (*client.RunLogSlice, error) { // Paperclip, simulated
			start, end := min(off, size), min(off+int64(n), size)
			res := &client.RunLogSlice{Content: nodeDecode(log[start:end])}
			if end < size {
				res.NextOffset = &end
			}
			return res, nil
		}
		first, _ := read(offset, limit)
		s, ambiguous, _ := buildSliceWith(run, offset, limit, first, nil, -1)
		if ambiguous && offset > 0 {
			cont, _ := continuationBytes(read, offset)
			s, _, _ = buildSliceWith(run, offset, limit, first, nil, cont)
		}
		if s.Content != string(log[s.Offset:s.NextOffset]) || !utf8.ValidString(s.Content) {
			t.Fatalf("offset %d limit %d: content %q != bytes [%d,%d) %q", offset, limit, s.Content, s.Offset, s.NextOffset, log[s.Offset:s.NextOffset])
		}
		if s.Offset-offset > 3 || s.NextOffset < s.Offset {
			t.Fatalf("offset %d moved to %d..%d", offset, s.Offset, s.NextOffset)
		}
	})
}
