package client

import (
	"encoding/json"
	"os"
	"reflect"
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

// fastCases are bodies the fast path of RunLogSlice takes, each read as
// json.Unmarshal reads it.
var fastCases = []string{
	string(logAnswer(200)),
	`{"runId":"r","store":"local_file","logRef":"x","content":"","nextOffset":null}`,
	`{}`,
	` { "content" : "a\/b\u00e9\u20AC\u0000\b\f\n\r\t" , "nextOffset" : -0 } `,
	` {"nextOffset": 12 , "content":"x", "z": 1.5e-3, "t": true, "f": false, "n": null, "s": "é"} `,
	`{"content":"first","content":"last","nextOffset":3,"nextOffset":null}`,
	`{"nested":{"a":[1,{"b":[]},"\ud83d\ude00",{}],"c":{}},"content":"x"}`, // skipped values may hold anything valid
	`{"content":null}`, // null leaves a string as it was
}

// slowCases are bodies no fast path takes: not JSON, or of another shape.
var slowCases = []string{
	`{"content":"x"} trailing`,
	`{"content":"x",}`,
	`{"a":[1,]}`,
	`{"a":{"b" 1}}`,
	"{\"content\":\"control \x01 char\"}",
	`{"content":"\x"}`,
	`{"content":"\u12"}`,
	`{"a":"\u12G4"}`,
	`{"content":"unterminated`,
	`{"n":01}`,
	`{"n":-}`,
	`{"n":1.}`,
	`{"n":1e}`,
	`{"n":nul}`,
	`[]`,
	strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100), // deeper than the fast path goes
}

// logSlowCases are bodies the fast path of RunLogSlice leaves to
// encoding/json: values it is unsure of.
var logSlowCases = []string{
	"{\"content\":\"bad \xff utf-8\"}",    // encoding/json writes U+FFFD for it
	`{"content":"\ud83d\ude00"}`,          // a surrogate pair
	`{"content":"\ud800"}`,                // a lone surrogate
	`{"Content":"case"}`,                  // keys match without regard to case there
	`{"nextOffset":1.0}`,                  // an error there
	`{"nextOffset":99999999999999999999}`, // out of range
	`{"nextOffset":"12"}`,                 // a string
}

// realRun is a failed run's record as Paperclip 2026.916.1 answers it
// (240 lines of output: 47 KB, resultJson and the stdout excerpt the most).
func realRun(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/run-failed-2026.916.1.json")
	require.NoError(t, err)
	return b
}

// runFastCases are bodies the fast path of Run takes.
func runFastCases(t testing.TB) []string {
	return []string{
		string(realRun(t)),
		`{"id":"r","status":"failed","startedAt":null,"exitCode":-3,"logBytes":0,"contextSnapshot":null,"execution":null}`,
		`{"contextSnapshot":{"wakeReason":"x","n":[1,2]},"execution":{"phase":"done","label":"Done","extra":{}},"execution":{"cause":"c"}}`,
		`{"error":"boom \"quoted\"","errorCode":"adapter_failed","signal":"SIGKILL","stdoutExcerpt":"out","stderrExcerpt":null}`,
	}
}

// runSlowCases are bodies it leaves to encoding/json.
var runSlowCases = []string{
	`{"exitCode":1.5}`,
	`{"exitCode":"3"}`,
	`{"Status":"failed"}`,
	`{"execution":{"Phase":"x"}}`,
	`{"execution":[]}`,
	`{"logBytes":true}`,
	`{"contextSnapshot":}`,
	"{\"status\":\"bad \xff\"}",
}

// sameAsEncodingJSON: the fast path takes body and reads what
// json.Unmarshal reads into a fresh value.
func sameAsEncodingJSON[T any, P interface {
	*T
	fastDecoder
}](t *testing.T, body string) {
	t.Helper()
	var fast, std T
	require.True(t, P(&fast).decodeFast([]byte(body)), "the fast path takes %.80q", body)
	require.NoError(t, json.Unmarshal([]byte(body), &std))
	assert.True(t, reflect.DeepEqual(std, fast), "%.80q:\n fast %+v\n std  %+v", body, fast, std)
}

// declined: the fast path declines body and changes nothing.
func declined[T any, P interface {
	*T
	fastDecoder
}](t *testing.T, body string, kept T) {
	t.Helper()
	v := kept
	assert.False(t, P(&v).decodeFast([]byte(body)), "declined: %.80q", body)
	assert.True(t, reflect.DeepEqual(kept, v), "a declined body changes nothing: %.80q", body)
}

func TestFastDecodeReadsAnswersAsEncodingJSON(t *testing.T) {
	for _, body := range fastCases {
		sameAsEncodingJSON[RunLogSlice](t, body)
	}
	for _, body := range runFastCases(t) {
		sameAsEncodingJSON[Run](t, body)
	}
	// decodeJSON takes the fast path for them, with the same result.
	var got RunLogSlice
	require.NoError(t, decodeJSON(logAnswer(200), &got, "GET", "/api/heartbeat-runs/x/log", 200))
	require.NotNil(t, got.NextOffset)
	assert.EqualValues(t, 16384, *got.NextOffset)
	assert.True(t, strings.HasPrefix(got.Content, `{"chunk":"\u001b[32mok`), "%.60q", got.Content)
	var run Run
	require.NoError(t, decodeJSON(realRun(t), &run, "GET", "/api/heartbeat-runs/x", 200))
	assert.Equal(t, "failed", run.Status)
	require.NotNil(t, run.ExitCode)
	assert.Equal(t, 3, *run.ExitCode)
	assert.Equal(t, "bench", run.WakeReason())
}

func TestFastDecodeLeavesTheRestToEncodingJSON(t *testing.T) {
	n, code := int64(7), 9
	for _, body := range append(append([]string{}, slowCases...), logSlowCases...) {
		declined(t, body, RunLogSlice{RunID: "kept", Content: "kept", NextOffset: &n})
	}
	for _, body := range append(append([]string{}, slowCases...), runSlowCases...) {
		declined(t, body, Run{ID: "kept", LogBytes: &n, ExitCode: &code, Execution: &RunExecution{Phase: "kept"}})
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
// reads the same, for each type that has one.
func FuzzFastDecode(f *testing.F) {
	seeds := append(append(append([]string{}, fastCases...), slowCases...), logSlowCases...)
	for _, c := range append(append(seeds, runFastCases(f)...), runSlowCases...) {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzSame[RunLogSlice](t, body)
		fuzzSame[Run](t, body)
	})
}

func fuzzSame[T any, P interface {
	*T
	fastDecoder
}](t *testing.T, body []byte) {
	var fast, std T
	if !P(&fast).decodeFast(body) {
		return
	}
	if err := json.Unmarshal(body, &std); err != nil {
		t.Fatalf("fast path took %q, encoding/json refused it: %v", body, err)
	}
	if !reflect.DeepEqual(fast, std) {
		t.Fatalf("%q: fast %+v, encoding/json %+v", body, fast, std)
	}
}

// BenchmarkDecodeLogAnswer: a 16 KB log answer and a real 47 KB run, the
// fast path against encoding/json.
func BenchmarkDecodeLogAnswer(b *testing.B) {
	for _, c := range []struct {
		name string
		body []byte
		fast func([]byte) bool
		std  func([]byte) error
	}{
		{"log", logAnswer(150), func(b []byte) bool { var s RunLogSlice; return s.decodeFast(b) }, func(b []byte) error { var s RunLogSlice; return json.Unmarshal(b, &s) }},
		{"run", realRun(b), func(b []byte) bool { var r Run; return r.decodeFast(b) }, func(b []byte) error { var r Run; return json.Unmarshal(b, &r) }},
	} {
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if !c.fast(c.body) {
					b.Fatal("declined")
				}
			}
		})
		b.Run(c.name+"/encoding_json", func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if err := c.std(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
