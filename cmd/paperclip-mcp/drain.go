package main

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// drain makes end-of-input graceful. mcp-go's stdio server cancels the tool
// calls still running when stdin closes, so a client that writes its
// requests and closes its end (`printf ... | paperclip-mcp`, as a script in
// a heartbeat run does) would lose the last answers. drain tracks the ids of
// requests read and of responses written, and holds the EOF back until every
// request has its answer, or maxWait has passed.
type drain struct {
	in      io.Reader
	out     io.Writer
	maxWait time.Duration

	mu      sync.Mutex
	pending map[string]bool
	idle    *sync.Cond
	inBuf   []byte // the unfinished line read so far
	outBuf  []byte // the unfinished line written so far
}

func newDrain(in io.Reader, out io.Writer, maxWait time.Duration) *drain {
	d := &drain{in: in, out: out, maxWait: maxWait, pending: map[string]bool{}}
	d.idle = sync.NewCond(&d.mu)
	return d
}

// idOf returns the JSON-RPC id of a message and whether it is a request
// (has a method) as opposed to a response; "" when it has no id. It reads
// only the keys before the payload when it can (mcp-go writes "jsonrpc",
// then "id", then "result"), so that a large answer is not parsed again.
func idOf(line []byte) (id string, request bool) {
	if id, request, ok := leadingID(line); ok {
		return id, request
	}
	return fullIDOf(line)
}

// leadingID reads a message's keys in order, up to its payload: "result"
// or "error" make it a response, "params" a request; ok is false when the
// keys before the payload do not settle it (then the whole line is read).
func leadingID(line []byte) (id string, request bool, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false, false
	}
	var rawID json.RawMessage
	method := false
	for dec.More() {
		t, err := dec.Token()
		key, isKey := t.(string)
		if err != nil || !isKey {
			return "", false, false
		}
		switch key {
		case "jsonrpc", "method":
			var v string
			if dec.Decode(&v) != nil {
				return "", false, false
			}
			method = method || (key == "method" && v != "")
		case "id":
			if dec.Decode(&rawID) != nil {
				return "", false, false
			}
		case "result", "error":
			if method || rawID == nil {
				return "", false, false
			}
			return settled(rawID, false)
		case "params":
			if !method || rawID == nil {
				return "", false, false
			}
			return settled(rawID, true)
		default:
			return "", false, false
		}
	}
	return settled(rawID, method) // no payload: every key was read
}

func settled(rawID json.RawMessage, request bool) (string, bool, bool) {
	id := idString(rawID)
	return id, request && id != "", true
}

func idString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

func fullIDOf(line []byte) (id string, request bool) {
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if json.Unmarshal(line, &m) != nil || len(m.ID) == 0 || string(m.ID) == "null" {
		return "", false
	}
	return string(m.ID), m.Method != ""
}

// lines splits complete lines off buf (which keeps the rest) and calls fn.
func lines(buf *[]byte, p []byte, fn func([]byte)) {
	*buf = append(*buf, p...)
	for {
		i := bytes.IndexByte(*buf, '\n')
		if i < 0 {
			return
		}
		fn((*buf)[:i])
		*buf = (*buf)[i+1:]
	}
}

// Read passes input through, noting requests; at EOF it waits for answers.
func (d *drain) Read(p []byte) (int, error) {
	n, err := d.in.Read(p)
	d.mu.Lock()
	lines(&d.inBuf, p[:n], func(l []byte) {
		if id, req := idOf(l); id != "" && req {
			d.pending[id] = true
		}
	})
	d.mu.Unlock()
	if err == io.EOF {
		d.wait()
	}
	return n, err
}

func (d *drain) wait() {
	deadline := time.Now().Add(d.maxWait)
	timer := time.AfterFunc(d.maxWait, func() {
		d.mu.Lock()
		d.idle.Broadcast()
		d.mu.Unlock()
	})
	defer timer.Stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.pending) > 0 && time.Now().Before(deadline) {
		d.idle.Wait()
	}
}

// Write passes output through, noting answered requests.
func (d *drain) Write(p []byte) (int, error) {
	n, err := d.out.Write(p)
	d.mu.Lock()
	lines(&d.outBuf, p[:n], func(l []byte) {
		if id, req := idOf(l); id != "" && !req {
			delete(d.pending, id)
		}
	})
	if len(d.pending) == 0 {
		d.idle.Broadcast()
	}
	d.mu.Unlock()
	return n, err
}
