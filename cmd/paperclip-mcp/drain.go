package main

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// drain sits between stdio and mcp-go's stdio server, line by line.
//
// It makes end-of-input graceful. mcp-go's stdio server cancels the tool
// calls still running when stdin closes, so a client that writes its
// requests and closes its end (`printf ... | paperclip-mcp`, as a script in
// a heartbeat run does) would lose the last answers. drain tracks the ids of
// requests read and of responses written, and holds the EOF back until every
// request has its answer, or maxWait has passed.
//
// It answers tools/list itself: the tools are fixed at start, and mcp-go
// builds and encodes the list anew for every request (milliseconds for the
// whole catalogue). The bytes come from list (toolsListTail, once, at the
// first request while no other is pending) or from mcp-go's first answer. It hands
// tools/call requests to calls (when set), which answers them through
// writeLine.
type drain struct {
	in      io.Reader
	out     io.Writer
	maxWait time.Duration
	calls   *toolCalls

	mu       sync.Mutex
	pending  map[string]bool
	idle     *sync.Cond
	inBuf    []byte // the unfinished line read so far
	ready    []byte // complete lines read, not yet handed to mcp-go
	eof      bool
	outBuf   []byte          // the unfinished line written so far
	listIDs  map[string]bool // ids of tools/list requests handed to mcp-go
	listTail []byte          // `"result":{...}}` of the tools/list answer
	list     func() []byte   // makes listTail at the first tools/list; nil: mcp-go's first answer gives it

	writeMu sync.Mutex // one line at a time on out: mcp-go's and drain's own
}

func newDrain(in io.Reader, out io.Writer, maxWait time.Duration, calls *toolCalls) *drain {
	d := &drain{in: in, out: out, maxWait: maxWait, calls: calls, pending: map[string]bool{}, listIDs: map[string]bool{}}
	d.idle = sync.NewCond(&d.mu)
	if calls != nil {
		calls.answer = d.answer
	}
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

// Read hands mcp-go whole lines, noting requests, and answers a tools/list
// itself once it has the answer's bytes; at EOF it waits for the answers.
func (d *drain) Read(p []byte) (int, error) {
	for {
		d.mu.Lock()
		if len(d.ready) > 0 {
			n := copy(p, d.ready)
			d.ready = d.ready[n:]
			d.mu.Unlock()
			return n, nil
		}
		eof := d.eof
		d.mu.Unlock()
		if eof {
			d.wait()
			return 0, io.EOF
		}
		buf := make([]byte, max(len(p), 4096))
		n, err := d.in.Read(buf)
		var answers, calls [][]byte
		d.mu.Lock()
		lines(&d.inBuf, buf[:n], func(l []byte) {
			id, method, list := requestOf(l)
			if id != "" && list && d.listTail == nil && d.list != nil && len(d.pending) == 0 {
				// Only with nothing else pending, so that a client that sends
				// initialize and tools/list at once gets its answers in order.
				d.listTail, d.list = d.list(), nil
			}
			switch {
			case id != "" && list && d.listTail != nil:
				answers = append(answers, append(append([]byte(`{"jsonrpc":"2.0","id":`+id+`,`), d.listTail...), '\n'))
				return
			case id != "" && method == "tools/call" && d.calls != nil:
				d.pending[id] = true
				calls = append(calls, append([]byte(nil), l...))
				return
			case id != "":
				d.pending[id] = true
				if list {
					d.listIDs[id] = true
				}
			}
			d.ready = append(append(d.ready, l...), '\n')
		})
		if err != nil {
			d.ready = append(d.ready, d.inBuf...) // a last line without a newline
			d.inBuf = nil
			d.eof = true
		}
		d.mu.Unlock()
		for _, a := range answers {
			d.writeLine(a)
		}
		for _, c := range calls {
			if !d.calls.serve(c) { // no session yet, or a full queue: mcp-go serves it
				d.mu.Lock()
				d.ready = append(append(d.ready, c...), '\n')
				d.mu.Unlock()
			}
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
	}
}

// requestOf reads an input line once: the id of a request ("" for a
// notification, a response or a line that is not JSON-RPC), its method, and
// whether it is a tools/list without a cursor (which drain may answer
// itself).
func requestOf(line []byte) (id, method string, toolsList bool) {
	var m struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	if json.Unmarshal(line, &m) != nil || m.Method == "" {
		return "", "", false
	}
	id = idString(m.ID)
	if id == "" || m.Method != "tools/list" {
		return id, m.Method, false
	}
	var p struct {
		Cursor any `json:"cursor"`
	}
	_ = json.Unmarshal(m.Params, &p)
	return id, m.Method, p.Cursor == nil || p.Cursor == ""
}

// answer writes the answer calls made to request id.
func (d *drain) answer(id string, line []byte) {
	d.writeLine(line)
	d.mu.Lock()
	delete(d.pending, id)
	if len(d.pending) == 0 {
		d.idle.Broadcast()
	}
	d.mu.Unlock()
}

// writeLine writes one line drain answers itself.
func (d *drain) writeLine(line []byte) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	_, _ = d.out.Write(line)
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

// Write passes output through, noting answered requests, and keeps the
// first tools/list answer's result.
func (d *drain) Write(p []byte) (int, error) {
	d.writeMu.Lock()
	n, err := d.out.Write(p)
	d.writeMu.Unlock()
	d.mu.Lock()
	lines(&d.outBuf, p[:n], func(l []byte) {
		id, req := idOf(l)
		if id == "" || req {
			return
		}
		delete(d.pending, id)
		if d.listIDs[id] {
			delete(d.listIDs, id)
			prefix := []byte(`{"jsonrpc":"2.0","id":` + id + `,"result":`)
			if d.listTail == nil && bytes.HasPrefix(l, prefix) && !bytes.Contains(l, []byte(`"nextCursor"`)) {
				d.listTail = append([]byte(nil), l[len(prefix)-len(`"result":`):]...)
			}
		}
	})
	if len(d.pending) == 0 {
		d.idle.Broadcast()
	}
	d.mu.Unlock()
	return n, err
}
