package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// confirmWait bounds how long a destructive call waits for the person.
const confirmWait = 5 * time.Minute

// confirm asks the person, through elicitation, before a destructive call:
// what will happen, and yes or no. ok is true to go on: the tool is not
// destructive, confirmation is off (Deps.Confirm), the client cannot ask
// (it declared no elicitation capability: its own approval applies), or
// the person said yes. Otherwise msg says that nothing was sent and why.
func (d *Deps) confirm(ctx context.Context, spec Spec, raw map[string]any) (msg string, ok bool) {
	if d == nil || !d.Confirm || !spec.Access.Destructive() || (spec.ConfirmIf != nil && !spec.ConfirmIf(raw)) {
		return "", true
	}
	asker, ok := canAsk(ctx)
	if !ok {
		return "", true
	}
	ctx, cancel := context.WithTimeout(ctx, confirmWait)
	defer cancel()
	what := confirmText(spec, raw)
	res, err := asker.RequestElicitation(ctx, mcp.ElicitationRequest{
		Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
		Params: mcp.ElicitationParams{
			Message: d.scrub(what) + "\n\nGo ahead?",
			RequestedSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"confirm": map[string]any{"type": "boolean", "title": "Yes, do it", "description": "Tick to let " + spec.Name + " go ahead", "default": false},
				},
				"required": []string{"confirm"},
			},
		},
	})
	notSent := " Nothing was sent to Paperclip."
	switch {
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		return fmt.Sprintf("Not done: %s waited %s for the person to confirm and had no answer.%s Call it again when they are there, or serve with PAPERCLIP_MCP_CONFIRM=false for unattended use.", spec.Name, confirmWait, notSent), false
	case err != nil:
		return fmt.Sprintf("Not done: %s could not ask the person to confirm (%s).%s", spec.Name, d.scrub(err.Error()), notSent), false
	case res.Action == mcp.ElicitationResponseActionAccept && accepted(res.Content):
		d.logger().Info("destructive call confirmed", "tool", spec.Name)
		return "", true
	case res.Action == mcp.ElicitationResponseActionAccept:
		return fmt.Sprintf("Not done: the person did not confirm %s (the box was left unticked).%s", spec.Name, notSent), false
	case res.Action == mcp.ElicitationResponseActionCancel:
		return fmt.Sprintf("Not done: the person dismissed the confirmation of %s.%s Ask them before trying again.", spec.Name, notSent), false
	default:
		return fmt.Sprintf("Not done: the person declined %s.%s Do not retry it unless they ask.", spec.Name, notSent), false
	}
}

// canAsk is the session's elicitation, when the client declared it.
func canAsk(ctx context.Context) (server.SessionWithElicitation, bool) {
	session := server.ClientSessionFromContext(ctx)
	info, ok := session.(server.SessionWithClientInfo)
	if !ok || info.GetClientCapabilities().Elicitation == nil {
		return nil, false
	}
	asker, ok := session.(server.SessionWithElicitation)
	return asker, ok
}

// accepted reads {"confirm": true} from an accepted form.
func accepted(content any) bool {
	b, err := json.Marshal(content)
	if err != nil {
		return false
	}
	var form struct {
		Confirm any `json:"confirm"`
	}
	if json.Unmarshal(b, &form) != nil {
		return false
	}
	switch v := form.Confirm.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	return false
}

// confirmText says what the call will do: the tool's title and first
// sentence, and the arguments it was given (long values cut).
func confirmText(spec Spec, raw map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", spec.Title, spec.Name, firstSentence(strings.TrimPrefix(spec.Description, "Board only. ")))
	keys := make([]string, 0, len(raw))
	for k := range raw {
		if k != "response_format" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(raw[k])
		fmt.Fprintf(&b, "\n- %s: %s", k, clip(strings.Trim(string(v), `"`), 200))
	}
	return b.String()
}
