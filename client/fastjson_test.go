package client

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logAnswer is a log answer as Paperclip's JSON.stringify writes it: NDJSON
// records escaped in a string, ANSI colour codes as \u001b, other text raw.
func logAnswer(lines int) []byte {
	var sb strings.Builder
	for i := range lines {
		rec, _ := json.Marshal(map[string]any{"ts": "2026-11-26T10:00:01.123Z", "stream": "stdout",
			"chunk": "\x1b[32mok\x1b[0m step " + strings.Repeat("é✓😀", i%3) + " \"quoted\" back\\slash\ttab\n"})
		sb.Write(rec)
		sb.WriteByte('\n')
	}
	body, _ := json.Marshal(map[string]any{"runId": "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f", "store": "local_file",
		"logRef": "3f2c8a1e.ndjson", "content": sb.String(), "nextOffset": 16384})
	return body
}

// fastCases are bodies the fast path takes, each read as json.Unmarshal reads it.
var fastCases = []string{
	string(logAnswer(200)),
	`{"runId":"r","store":"local_file","logRef":"x","content":"","nextOffset":null}`,
	`{}`,
	` { "content" : "a\/b\u00e9\u20AC\u0000\b\f\n\r\t" , "nextOffset" : -0 } `,
	` {"nextOffset": 12 , "content":"x", "z": 1.5e-3, "t": true, "f": false, "n": null, "s": "é"} `,
	`{"content":"first","content":"last","nextOffset":3,"nextOffset":null}`,
}

// slowCases are bodies it leaves to encoding/json: shapes and values it is
// unsure of, and bodies that are not JSON at all.
var slowCases = []string{
	"{\"content\":\"bad \xff utf-8\"}",    // encoding/json writes U+FFFD for it
	`{"content":"\ud83d\ude00"}`,          // a surrogate pair
	`{"content":"\ud800"}`,                // a lone surrogate
	`{"Content":"case"}`,                  // keys match without regard to case there
	`{"nested":{"a":1},"content":"x"}`,    // not a scalar
	`{"content":"x"} trailing`,            // not JSON
	`{"content":"x",}`,                    // not JSON
	`{"nextOffset":1.0}`,                  // an error there
	`{"nextOffset":99999999999999999999}`, // out of range
	`{"nextOffset":"12"}`,                 // a string
	`{"content":null}`,                    // null leaves a string as it was
	"{\"content\":\"control \x01 char\"}", // not JSON
	`{"content":"\x"}`,                    // a bad escape
	`{"content":"\u12"}`,                  // a short escape
	`{"content":"unterminated`,            // not JSON
	`{"n":01}`,                            // a leading zero
	`[]`,                                  // another shape
}

func TestFastDecodeReadsLogAnswersAsEncodingJSON(t *testing.T) {
	for _, body := range fastCases {
		var fast, std RunLogSlice
		require.True(t, fast.decodeFast([]byte(body)), "the fast path takes %.80q", body)
		require.NoError(t, json.Unmarshal([]byte(body), &std))
		assert.True(t, std == fast || std.NextOffset != nil && fast.NextOffset != nil && *std.NextOffset == *fast.NextOffset &&
			std.RunID == fast.RunID && std.Store == fast.Store && std.Content == fast.Content, "%.80q", body)
	}
	// decodeJSON takes the fast path for it, with the same result.
	var got RunLogSlice
	require.NoError(t, decodeJSON(logAnswer(200), &got, "GET", "/api/heartbeat-runs/x/log", 200))
	require.NotNil(t, got.NextOffset)
	assert.EqualValues(t, 16384, *got.NextOffset)
	assert.True(t, strings.HasPrefix(got.Content, `{"chunk":"\u001b[32mok`), "%.60q", got.Content)
}

func TestFastDecodeLeavesTheRestToEncodingJSON(t *testing.T) {
	n := int64(7)
	for _, body := range slowCases {
		s := RunLogSlice{RunID: "kept", Content: "kept", NextOffset: &n}
		assert.False(t, s.decodeFast([]byte(body)), "declined: %q", body)
		assert.Equal(t, RunLogSlice{RunID: "kept", Content: "kept", NextOffset: &n}, s, "a declined body changes nothing: %q", body)
	}
	// Through decodeJSON, encoding/json's answer stands: its errors, and
	// its reading of what it accepts.
	var s RunLogSlice
	err := decodeJSON([]byte(`{"nextOffset":1.0}`), &s, "GET", "/api/heartbeat-runs/x/log", 200)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	require.NoError(t, decodeJSON([]byte("{\"content\":\"bad \xff\"}"), &s, "GET", "/api/heartbeat-runs/x/log", 200))
	assert.Equal(t, "bad \uFFFD", s.Content)
}

// FuzzFastDecode: whatever the fast path takes, encoding/json takes too and
// reads the same.
func FuzzFastDecode(f *testing.F) {
	for _, c := range append(append([]string{}, fastCases...), slowCases...) {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast, std RunLogSlice
		if !fast.decodeFast(body) {
			return
		}
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path took %q, encoding/json refused it: %v", body, err)
		}
		if fast.RunID != std.RunID || fast.Store != std.Store || fast.Content != std.Content ||
			(fast.NextOffset == nil) != (std.NextOffset == nil) || fast.NextOffset != nil && *fast.NextOffset != *std.NextOffset {
			t.Fatalf("%q: fast %+v, encoding/json %+v", body, fast, std)
		}
	})
}

// BenchmarkDecodeLogAnswer: a 16 KB log answer, the fast path against
// encoding/json.
func BenchmarkDecodeLogAnswer(b *testing.B) {
	body := logAnswer(150)
	b.Logf("%d bytes", len(body))
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var s RunLogSlice
			if !s.decodeFast(body) {
				b.Fatal("declined")
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var s RunLogSlice
			if err := json.Unmarshal(body, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
