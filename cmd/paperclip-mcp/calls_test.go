package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeResponse must write exactly what json.Marshal writes (mcp-go's own
// encoding of the answer) for every result this server makes.
func TestEncodeResponseIsJSONMarshalByteForByte(t *testing.T) {
	structured := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return b
	}
	results := map[string]*mcp.CallToolResult{
		"markdown and structured": {Content: []mcp.Content{mcp.NewTextContent("# Run\n- <b>&amp;</b> \u2028 \u2029 日本 🚀 \x00 \"q\" \\")},
			StructuredContent: structured(map[string]any{"html": "<a href='x'>&</a>", "n": 1.5, "list": []any{nil, true, "\u2028"}})},
		"json text":                   {Content: []mcp.Content{mcp.NewTextContent(`{"a":"<x>"}`)}, StructuredContent: structured(map[string]any{"a": "<x>"})},
		"invalid UTF-8":               {Content: []mcp.Content{mcp.NewTextContent("bad \xff\xfe bytes \xe2\x82")}},
		"tool error":                  mcp.NewToolResultError("Paperclip answered 404: no run abc. Check the id."),
		"two blocks":                  {Content: []mcp.Content{mcp.NewTextContent("a"), mcp.NewTextContent("b")}},
		"no content":                  {Content: []mcp.Content{}},
		"nil content":                 {},
		"large":                       {Content: []mcp.Content{mcp.NewTextContent(strings.Repeat(`{"ts":"2026","chunk":"line\n"}`+"\n", 600))}, StructuredContent: structured(map[string]any{"content": strings.Repeat("line\n", 3000)})},
		"resource link":               {Content: []mcp.Content{mcp.NewTextContent("see the log"), mcp.NewResourceLink("paperclip://runs/x/log?offset=0&limitBytes=16384", "log <x>", "the run's log", "application/x-ndjson")}},
		"image":                       {Content: []mcp.Content{mcp.NewImageContent("aGk=", "image/png")}},
		"meta (fallback)":             {Result: mcp.Result{Meta: &mcp.Meta{AdditionalFields: map[string]any{"k": "v"}}}, Content: []mcp.Content{mcp.NewTextContent("x")}},
		"typed structured (fallback)": {Content: []mcp.Content{mcp.NewTextContent("x")}, StructuredContent: map[string]any{"b": 2, "a": "<"}},
		"annotated text": {Content: []mcp.Content{mcp.TextContent{Type: "text", Text: "x",
			Annotated: mcp.Annotated{Annotations: &mcp.Annotations{Priority: ptr(0.5)}}}}},
	}
	for name, r := range results {
		for _, id := range []any{1, int64(9007199254740993), "req-\"7\"", "<id>"} {
			for _, msg := range []mcp.JSONRPCMessage{
				mcp.NewJSONRPCResultResponse(mcp.NewRequestId(id), r),
				mcp.NewJSONRPCResultResponse(mcp.NewRequestId(id), *r),
			} {
				want, err := json.Marshal(msg)
				require.NoError(t, err)
				got, err := encodeResponse(msg)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got), "%s, id %v", name, id)
			}
		}
	}
	// Not a result: an error answer, a notification.
	for _, msg := range []mcp.JSONRPCMessage{
		mcp.NewJSONRPCError(mcp.NewRequestId(3), mcp.INVALID_PARAMS, "tool 'x' not found", nil),
		mcp.NewJSONRPCResultResponse(mcp.NewRequestId(4), mcp.ListToolsResult{Tools: []mcp.Tool{}}),
	} {
		want, _ := json.Marshal(msg)
		got, err := encodeResponse(msg)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

func ptr[T any](v T) *T { return &v }

// FuzzEncodeResponse: any text and any JSON value as structured content
// (as tools.respond makes it: json.Marshal's output) encode as json.Marshal
// encodes them.
func FuzzEncodeResponse(f *testing.F) {
	for _, s := range []string{"", "<&>", "\u2028", "\xff", `{"a":[1,{"b":"<"}]}`, `"x"`, `null`, `[1e400]`} {
		f.Add(s, []byte(s), false)
	}
	f.Fuzz(func(t *testing.T, text string, body []byte, isError bool) {
		r := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}, IsError: isError}
		var v any
		if json.Unmarshal(body, &v) == nil {
			if b, err := json.Marshal(v); err == nil {
				r.StructuredContent = json.RawMessage(b)
			}
		}
		msg := mcp.NewJSONRPCResultResponse(mcp.NewRequestId(1), r)
		want, err := json.Marshal(msg)
		if err != nil {
			t.Skip()
		}
		got, err := encodeResponse(msg)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	})
}

// A burst larger than the queue: every call is answered once, with its own
// id, whether toolCalls served it or (queue full) mcp-go did, and both
// encode the same answer. The stand-in Paperclip holds each request a
// little, so that the queue fills.
func TestABurstOfCallsIsAnsweredOnceEach(t *testing.T) {
	var requests atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/heartbeat-runs/") {
			requests.Add(1)
		}
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"11111111-2222-4333-8444-555555555555","companyId":"11111111-2222-4333-8444-555555555555","agentId":"11111111-2222-4333-8444-555555555555","status":"failed","createdAt":"2026-12-03T10:00:00Z","error":"<exit 3> & more"}`))
	}))
	defer api.Close()
	const n = 150
	var in strings.Builder
	in.WriteString(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n")
	in.WriteString(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"paperclip_get_heartbeat_run","arguments":{"runId":"11111111-2222-4333-8444-555555555555","response_format":"json"}}}`+"\n", i)
	}
	var stdout syncBuf
	var stderr bytes.Buffer
	require.Equal(t, 0, run(nil, env(map[string]string{"PAPERCLIP_API_URL": api.URL}), strings.NewReader(in.String()), &stdout, &stderr))
	seen := map[int]int{}
	var first string
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var m struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		seen[m.ID]++
		if m.ID == 0 {
			continue
		}
		require.NotContains(t, string(m.Result), `"isError":true`)
		if first == "" {
			first = string(m.Result)
		}
		assert.Equal(t, first, string(m.Result), "every answer is the same bytes, whoever encoded it")
	}
	for i := 0; i <= n; i++ {
		assert.Equal(t, 1, seen[i], "answers to request %d", i)
	}
	assert.Len(t, seen, n+1)
	assert.Contains(t, first, `\u003cexit 3\u003e \u0026 more`, "escaped as the encoder escapes")
	assert.EqualValues(t, n, requests.Load())
}
