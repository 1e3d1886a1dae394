package main

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// toolsListTail is `"result":{"tools":[...]}}` of s's answer to a
// tools/list without a cursor, written in one pass: the same bytes as
// mcp-go's (TestToolsListTailIsMcpGos holds it to them for every
// selection). mcp-go encodes each tool through a map, and compacts its
// compiled-in schemas twice; for the whole catalogue that was a quarter of
// the time from start to the first tools/list answered. nil when the list
// cannot be encoded (mcp-go then answers).
func toolsListTail(s *server.MCPServer) []byte {
	all := s.ListTools()
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names) // mcp-go's order
	wrapper, err := json.Marshal(mcp.ListToolsResult{Tools: []mcp.Tool{}})
	cut := bytes.Index(wrapper, []byte(`"tools":[]`))
	if err != nil || cut < 0 {
		return nil
	}
	cut += len(`"tools":[`)
	size := len(wrapper) + 16
	for _, st := range all {
		size += len(st.Tool.RawInputSchema) + len(st.Tool.RawOutputSchema) + len(st.Tool.Description) + 512
	}
	out := append(append(make([]byte, 0, size), `"result":`...), wrapper[:cut]...)
	for i, name := range names {
		if i > 0 {
			out = append(out, ',')
		}
		if out, err = appendTool(out, &all[name].Tool); err != nil {
			return nil
		}
	}
	return append(append(out, wrapper[cut:]...), '}')
}

// appendTool appends t as mcp.Tool.MarshalJSON encodes it inside a list:
// keys sorted (it encodes a map), raw schemas as they are but for the HTML
// escaping encoding/json applies to every string. A tool with anything
// this does not write (meta, icons, execution, a structured schema) is
// encoded by mcp-go itself.
func appendTool(out []byte, t *mcp.Tool) ([]byte, error) {
	if t.Meta != nil || t.Icons != nil || t.Execution != nil || t.DeferLoading || t.RawInputSchema == nil ||
		t.InputSchema.Type != "" || t.OutputSchema.Type != "" {
		b, err := json.Marshal(t)
		return append(out, b...), err
	}
	str := func(key, v string) error {
		b, err := json.Marshal(v)
		out = append(append(out, key...), b...)
		return err
	}
	raw := func(key string, v json.RawMessage) {
		out = append(out, key...)
		if !bytes.ContainsAny(v, "<>&\u2028\u2029") {
			out = append(out, v...)
			return
		}
		var buf bytes.Buffer
		json.HTMLEscape(&buf, v)
		out = append(out, buf.Bytes()...)
	}
	ann, err := json.Marshal(t.Annotations)
	if err != nil {
		return out, err
	}
	out = append(append(out, `{"annotations":`...), ann...)
	if t.Description != "" {
		if err := str(`,"description":`, t.Description); err != nil {
			return out, err
		}
	}
	raw(`,"inputSchema":`, t.RawInputSchema)
	if err := str(`,"name":`, t.Name); err != nil {
		return out, err
	}
	if t.RawOutputSchema != nil {
		raw(`,"outputSchema":`, t.RawOutputSchema)
	}
	if t.Title != "" {
		if err := str(`,"title":`, t.Title); err != nil {
			return out, err
		}
	}
	return append(out, '}'), nil
}
