package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// toolCalls serves the tools/call requests drain takes off mcp-go's stdio
// loop: each runs through the same MCPServer.HandleMessage (hooks,
// cancellation, recovery), in the stdio session's context, and its answer
// is encoded by encodeResponse.
//
// mcp-go encodes a tool result through a map and compacts its bytes twice
// (json.RawMessage inside, the result's MarshalJSON outside): for a 16 KB
// log slice, carried as structured content and as text, a third of the
// call's own time. encodeResponse writes the same bytes in one pass.
//
// A few calls run at once and more wait in a bounded queue, as in mcp-go's
// stdio server; a call that finds the queue full is left to mcp-go, so the
// reading of input never waits (a call may be waiting on input itself: a
// client's answer to an elicitation).
type toolCalls struct {
	srv     *server.MCPServer
	workers int
	queue   chan []byte

	mu      sync.Mutex
	started bool
	answer  func(id string, line []byte)
}

func newToolCalls(srv *server.MCPServer) *toolCalls {
	return &toolCalls{srv: srv, workers: 5, queue: make(chan []byte, 100)}
}

// session records the stdio session's context (mcp-go passes it to the
// context function at Listen) and starts the workers, once.
func (c *toolCalls) session(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return
	}
	c.started = true
	for range c.workers {
		go c.work(ctx)
	}
}

// serve queues a tools/call line. It says false when no session runs yet
// or the queue is full: mcp-go serves the line then.
func (c *toolCalls) serve(line []byte) bool {
	c.mu.Lock()
	ok := c.started
	c.mu.Unlock()
	if !ok {
		return false
	}
	select {
	case c.queue <- line:
		return true
	default:
		return false
	}
}

func (c *toolCalls) work(ctx context.Context) {
	for {
		select {
		case line := <-c.queue:
			c.call(ctx, line)
		case <-ctx.Done():
			return
		}
	}
}

func (c *toolCalls) call(ctx context.Context, line []byte) {
	var head struct {
		ID mcp.RequestId `json:"id"`
	}
	_ = json.Unmarshal(line, &head)
	resp := func() (resp mcp.JSONRPCMessage) {
		defer func() {
			if p := recover(); p != nil {
				resp = mcp.NewJSONRPCError(head.ID, mcp.INTERNAL_ERROR, fmt.Sprintf("internal panic: %v", p), nil)
			}
		}()
		return c.srv.HandleMessage(ctx, line)
	}()
	out, err := encodeResponse(resp)
	if err != nil {
		out, _ = json.Marshal(mcp.NewJSONRPCError(head.ID, mcp.INTERNAL_ERROR, "the result could not be encoded: "+err.Error(), nil))
	}
	id, _ := json.Marshal(head.ID)
	c.answer(idString(id), append(out, '\n'))
}

// encodeResponse is json.Marshal(msg), byte for byte, written in one pass
// for a tool result of content blocks and our own structured content;
// anything else goes through json.Marshal.
func encodeResponse(msg mcp.JSONRPCMessage) ([]byte, error) {
	resp, ok := msg.(mcp.JSONRPCResponse)
	if !ok {
		return json.Marshal(msg)
	}
	var r *mcp.CallToolResult
	switch v := resp.Result.(type) {
	case *mcp.CallToolResult:
		r = v
	case mcp.CallToolResult:
		r = &v
	}
	raw, rawOK := structured(r)
	if r == nil || !rawOK || r.Meta != nil || r.ResultType != "" || len(r.InputRequests) > 0 || r.RequestState != "" || resp.JSONRPC != mcp.JSONRPC_VERSION {
		return json.Marshal(msg)
	}
	id, err := json.Marshal(resp.ID)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(raw) + 64 + 2*textLen(r))
	b.WriteString(`{"jsonrpc":"2.0","id":`)
	b.Write(id)
	b.WriteString(`,"result":{"content":[`)
	for i, c := range r.Content {
		// Each block is encoded once, as the encoder encodes it in place
		// (text escaped like any string, invalid UTF-8 included).
		block, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(block)
	}
	b.WriteByte(']')
	if r.IsError {
		b.WriteString(`,"isError":true`)
	}
	if raw != nil {
		b.WriteString(`,"structuredContent":`)
		b.Write(raw)
	}
	b.WriteString(`}}`)
	return b.Bytes(), nil
}

// structured is a result's structured content when it can be written as
// it is: a json.RawMessage, which in this server is json.Marshal's own
// output (tools.respond makes every one; the tools tests and fuzzers hold
// it to that), so already compact and escaped as the encoder escapes. ok is
// false for any other kind: json.Marshal decides then.
func structured(r *mcp.CallToolResult) (raw []byte, ok bool) {
	if r == nil || len(r.RawStructuredContent) > 0 {
		return nil, false
	}
	switch v := r.StructuredContent.(type) {
	case nil:
		return nil, true
	case json.RawMessage:
		return v, len(v) > 0
	}
	return nil, false
}

func textLen(r *mcp.CallToolResult) int {
	n := 0
	for _, c := range r.Content {
		if t, ok := c.(mcp.TextContent); ok {
			n += len(t.Text)
		}
	}
	return n
}
