package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// LogArgs are the arguments of paperclip_get_run_log.
type LogArgs struct {
	RunID      string `json:"runId" jsonschema:"format=uuid,description=Heartbeat run id"`
	Offset     int64  `json:"offset,omitempty" jsonschema:"minimum=0,default=0,description=Byte offset to read from; pass the previous nextOffset"`
	LimitBytes int    `json:"limitBytes,omitempty" jsonschema:"minimum=4,maximum=1048576,default=16384,description=Most bytes to read (at least 4 so that any UTF-8 character fits)"`
	Format
}

// LogSlice is a byte range of a run's NDJSON log.
type LogSlice struct {
	RunID      string `json:"runId"`
	Content    string `json:"content" jsonschema:"description=The bytes [offset\\, nextOffset) of the NDJSON log; whole UTF-8 characters only"`
	Offset     int64  `json:"offset" jsonschema:"description=Where content starts (the requested offset moved past any partial character)"`
	NextOffset int64  `json:"nextOffset"`
	TotalBytes int64  `json:"totalBytes" jsonschema:"description=Size of the log; for a running run\\, the size known now"`
	EOF        bool   `json:"eof" jsonschema:"description=True when nextOffset == totalBytes"`
	RunStatus  string `json:"runStatus"`
	Final      bool   `json:"final" jsonschema:"description=True when the run is finished\\, so the log will not grow"`
	PastEnd    bool   `json:"pastEnd,omitempty" jsonschema:"description=True when offset is beyond the end of the log; nextOffset is then the end"`
}

// resourceLinks links the next window of the log when there is more now.
func (s LogSlice) resourceLinks() []mcp.ResourceLink {
	if s.EOF {
		return nil
	}
	return []mcp.ResourceLink{runLogLink(s.RunID, s.NextOffset)}
}

func getRunLog(ctx context.Context, d *Deps, a LogArgs) (LogSlice, error) {
	// The run (for its size) and the slice are independent: ask for both at once.
	type runRes struct {
		run *client.Run
		err error
	}
	rc := make(chan runRes, 1)
	go func() {
		r, err := d.Client.GetRunLogInfo(ctx, a.RunID)
		rc <- runRes{r, err}
	}()
	slice, logErr := d.Client.GetRunLog(ctx, a.RunID, a.Offset, a.LimitBytes)
	rr := <-rc
	if rr.err != nil {
		return LogSlice{}, rr.err
	}
	out, ambiguous, err := buildSliceWith(rr.run, a.Offset, a.LimitBytes, slice, logErr, -1)
	if err != nil || !ambiguous || a.Offset == 0 {
		return out, err
	}
	cont, err := continuationBytes(func(off int64, n int) (*client.RunLogSlice, error) {
		return d.Client.GetRunLog(ctx, a.RunID, off, n)
	}, a.Offset)
	if err != nil {
		return LogSlice{}, err
	}
	out, _, err = buildSliceWith(rr.run, a.Offset, a.LimitBytes, slice, logErr, cont)
	return out, err
}

// buildSlice turns Paperclip's answer for [offset, offset+limit) into a
// LogSlice of whole characters with exact offsets and the log's size.
func buildSlice(run *client.Run, offset int64, limit int, slice *client.RunLogSlice, logErr error) (LogSlice, error) {
	s, _, err := buildSliceWith(run, offset, limit, slice, logErr, -1)
	return s, err
}

// buildSliceWith is buildSlice with the number of continuation bytes at
// offset when known (-1 otherwise); ambiguous says the slice could be read
// two ways and the walk-friendly one was taken.
func buildSliceWith(run *client.Run, offset int64, limit int, slice *client.RunLogSlice, logErr error, cont int) (LogSlice, bool, error) {
	out := LogSlice{RunID: run.ID, Offset: offset, NextOffset: offset, RunStatus: run.Status, Final: terminal(run.Status)}
	var known int64
	if run.LogBytes != nil {
		known = *run.LogBytes
	}
	if logErr != nil {
		if apiErr, ok := client.AsAPIError(logErr); ok && apiErr.Status == 404 && apiErr.Message == "Run log not found" {
			// No byte written yet: an empty slice, not an error.
			out.TotalBytes = known
			out.EOF = out.NextOffset >= out.TotalBytes
			markPastEnd(&out)
			return out, false, nil
		}
		return out, false, logErr
	}
	more := slice.NextOffset != nil
	rawLen := int64(-1)
	switch {
	case more:
		rawLen = int64(limit) // Paperclip read exactly limit bytes
	case out.Final && run.LogBytes != nil:
		rawLen = max(0, min(int64(limit), known-offset))
	}
	content, skipped, ambiguous := wholeChars(slice.Content, rawLen, more, cont)
	out.Offset = offset + int64(skipped)
	out.Content = content
	out.NextOffset = out.Offset + int64(len(content))
	if content == "" && !more && offset > known {
		// Nothing there and nothing after: the offset is past the end. The
		// size is the run's, not the offset asked for.
		out.TotalBytes = known
		out.EOF = true
		markPastEnd(&out)
		return out, false, nil
	}
	out.TotalBytes = max(known, out.NextOffset)
	if more && out.TotalBytes <= out.NextOffset {
		// A live run's log is longer than its recorded size: at least one more byte.
		out.TotalBytes = max(*slice.NextOffset, out.NextOffset+1)
	}
	out.EOF = out.NextOffset >= out.TotalBytes
	return out, ambiguous, nil
}

// markPastEnd turns a slice asked beyond the log's end into an empty slice
// at the end: nextOffset is where the log ends (as known now), so a caller
// that follows it reads on from the right place.
func markPastEnd(s *LogSlice) {
	if s.Offset <= s.TotalBytes {
		return
	}
	s.PastEnd, s.NextOffset, s.EOF = true, s.TotalBytes, true
}

// continuationBytes counts the UTF-8 continuation bytes at offset, for the
// rare slice that reads two ways (an offset inside a character, next to a
// real U+FFFD in the log). Three bytes from a position decode to exactly one
// U+FFFD only when they are a real U+FFFD; a continuation byte always
// decodes to U+FFFD followed by more. At most three small reads.
func continuationBytes(read func(offset int64, limit int) (*client.RunLogSlice, error), offset int64) (int, error) {
	for i := 0; i < 3; i++ {
		p, err := read(offset+int64(i), 3)
		if err != nil {
			return 0, err
		}
		if p.Content == "\uFFFD" || !strings.HasPrefix(p.Content, "\uFFFD") {
			return i, nil
		}
	}
	return 3, nil
}

// wholeChars undoes what cutting a UTF-8 byte slice does to it. Paperclip
// decodes each slice on its own (Node's Buffer.toString): a character cut at
// the start becomes one U+FFFD per continuation byte, a character cut at the
// end (possible only when more bytes follow) one U+FFFD for the 1 to 3 bytes
// that were there. A log may also hold real U+FFFD characters (3 bytes
// each), so the decoded text alone is ambiguous: rawLen, the slice's length
// in bytes, says how many bytes the decoding added, and the explanation
// that fits is chosen, preferring "the slice starts on a character" (what
// every walk that follows nextOffset does) and, at the end, dropping a
// U+FFFD that might be cut (it is read again by the next slice). It returns
// whole characters only, and how many bytes were skipped at the start, so
// that offsets stay exact byte positions in the log. With rawLen unknown
// (-1) nothing is skipped at the start: an offset error would be worse than
// a replacement character.
func wholeChars(s string, rawLen int64, more bool, cont int) (out string, skipped int, ambiguous bool) {
	const rc = "\uFFFD" // 3 bytes once decoded
	n := len(rc)
	lead := 0
	for lead < 3 && strings.HasPrefix(s[lead*n:], rc) {
		lead++
	}
	endsRC := more && strings.HasSuffix(s, rc)
	if rawLen < 0 {
		return s, 0, false
	}
	extra := int64(len(s)) - rawLen // bytes the decoding added
	found := false
	for lc := 0; lc <= lead; lc++ { // U+FFFDs at the start that were lone continuation bytes
		if cont >= 0 && lc != cont {
			continue
		}
		rest := extra - 2*int64(lc) // each of those: 1 byte became 3
		for _, cut := range []bool{true, false} {
			switch {
			case cut && (!endsRC || (lc+1)*n > len(s) || rest < 0 || rest > 2):
				continue // a cut of k bytes (1..3) decodes to 3: rest = 3-k
			case !cut && rest != 0:
				continue
			}
			o := s[lc*n:]
			if cut {
				o = s[lc*n : len(s)-n]
			}
			if o == "" && lc == 0 && cut {
				continue // would make no progress: keep the character
			}
			if found {
				return out, skipped, true // a second explanation fits too
			}
			out, skipped, found = o, lc, true
			break
		}
	}
	if !found {
		return s, 0, false
	}
	return out, skipped, false
}

// logLine is one rendered line of the NDJSON log.
type logLine struct {
	ts, stream, text string
	partial          bool // a piece of a record the slice cut
}

// parseLog turns NDJSON records {"ts","stream","chunk","seq"} into readable
// lines. A slice may start or end inside a record: the piece is still shown
// as text (with what it tells of time and stream), marked with "…".
func parseLog(content string) []logLine {
	var out []logLine
	records := strings.Split(content, "\n")
	for i, rec := range records {
		if rec == "" {
			continue
		}
		var chunk struct {
			TS     string `json:"ts"`
			Stream string `json:"stream"`
			Chunk  string `json:"chunk"`
		}
		if json.Unmarshal([]byte(rec), &chunk) == nil && (chunk.Stream != "" || chunk.Chunk != "") {
			out = append(out, chunkLines(chunk.TS, chunk.Stream, chunk.Chunk, false)...)
			continue
		}
		ts, stream, text, ok := fragment(rec, i == 0, i == len(records)-1)
		if ok {
			out = append(out, chunkLines(ts, stream, text, true)...)
		}
	}
	if len(out) == 0 && strings.TrimSpace(content) != "" {
		// Only record fields and no text of a chunk: show the bytes as they are.
		out = append(out, logLine{text: strings.TrimSpace(content), partial: true})
	}
	return out
}

func chunkLines(ts, stream, chunk string, partial bool) []logLine {
	var out []logLine
	for _, l := range strings.Split(strings.TrimRight(chunk, "\n"), "\n") {
		out = append(out, logLine{ts: ts, stream: stream, text: strings.TrimRight(l, "\r"), partial: partial})
	}
	return out
}

// fragment reads what it can from a cut record: the head of one that ends
// in the slice ({"ts":…,"stream":…,"chunk":"text…), the tail of one that
// began before it (…text","seq":12}), or, when the slice lies wholly inside
// one long record's text, that text.
func fragment(rec string, leading, trailing bool) (ts, stream, text string, ok bool) {
	field := func(name string) (string, int) {
		key := `"` + name + `":"`
		i := strings.Index(rec, key)
		if i < 0 {
			return "", -1
		}
		rest := rec[i+len(key):]
		if j := strings.Index(rest, `"`); j >= 0 {
			return rest[:j], i + len(key)
		}
		return "", i + len(key)
	}
	ts, _ = field("ts")
	stream, _ = field("stream")
	if _, at := field("chunk"); at >= 0 {
		body := rec[at:]
		if end := strings.Index(body, `","seq":`); end >= 0 {
			body = body[:end]
		}
		return ts, stream, unquotePiece(body), true
	}
	if leading {
		// The tail of a chunk string: up to where the record's last fields begin.
		if end := strings.Index(rec, `","seq":`); end >= 0 {
			return "", "", unquotePiece(rec[:end]), rec[:end] != ""
		}
		if trailing && ts == "" && stream == "" {
			// Neither end of the record is in the slice: all of it is chunk text.
			return "", "", unquotePiece(rec), true
		}
	}
	return "", "", "", false
}

// unquotePiece decodes a piece of a JSON string whose ends may be cut inside
// an escape sequence (at the end, up to 6 bytes; at the start, the rest of
// one: a lone backslash's partner or up to 5 bytes of a \uXXXX).
func unquotePiece(s string) string {
	for lead := 0; lead <= 5 && lead <= len(s); lead++ {
		for trim := 0; trim <= 6 && lead+trim <= len(s); trim++ {
			var out string
			if json.Unmarshal([]byte(`"`+s[lead:len(s)-trim]+`"`), &out) == nil {
				return out
			}
		}
	}
	return s
}

// String is the line as markdown shows it: "time stream | text". A piece of
// a record whose time and stream the slice does not hold has a blank prefix.
func (l logLine) String() string {
	ts := ""
	if l.ts != "" {
		ts = clockTime(l.ts)
	}
	text := l.text
	if l.partial {
		text = "…" + text + "…"
	}
	return fmt.Sprintf("%-12s %-6s| %s", ts, l.stream, text)
}

func runLogMarkdown(_ LogArgs, s LogSlice) string {
	var m md
	if s.PastEnd {
		m.line("## Log of run `%s` (%s): %d bytes", s.RunID, s.RunStatus, s.TotalBytes)
		now := ""
		if !s.Final {
			now = " as it is now"
		}
		m.line("Offset %d is past the end of the log%s (%d bytes): there is nothing to read there.", s.Offset, now, s.TotalBytes)
		m.line("Read from offset=0, or the last bytes from offset=%d.", max(0, s.TotalBytes-16384))
		return m.String()
	}
	m.line("## Log of run `%s` (%s): bytes %d–%d of %d", s.RunID, s.RunStatus, s.Offset, s.NextOffset, s.TotalBytes)
	if s.Content == "" {
		if s.TotalBytes == 0 {
			m.line("The run has no log yet.")
		} else {
			m.line("Nothing at this offset.")
		}
	} else {
		m.line("```")
		for _, l := range parseLog(s.Content) {
			m.line("%s", l)
		}
		m.line("```")
	}
	switch {
	case !s.EOF:
		m.line("More: call paperclip_get_run_log with runId=%s offset=%d.", s.RunID, s.NextOffset)
	case !s.Final:
		m.line("End of the log for now; the run is still %s: call again with offset=%d to follow it.", s.RunStatus, s.NextOffset)
	default:
		m.line("End of the log.")
	}
	return m.String()
}

// getRunLogTool declares paperclip_get_run_log.
func getRunLogTool() Tool {
	return define(Spec{Name: "paperclip_get_run_log", Title: "Read a run's log", Toolset: Runs,
		Description: "A byte slice of a run's log: {content, offset, nextOffset, totalBytes}. Start at offset=0 and pass nextOffset to continue; " +
			"nextOffset == totalBytes at the end. A slice never splits a UTF-8 character (nextOffset may stop up to 3 bytes short of offset+limitBytes). " +
			"A run with no log yet gives an empty slice. Markdown shows readable lines (time, stream, text); json gives the raw NDJSON content.",
		Access: Read, NotFound: findRun},
		getRunLog, runLogMarkdown)
}
