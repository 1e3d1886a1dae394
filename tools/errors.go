package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// explain turns any handler error into the text of a tool error that says
// what happened and what to do next. It is the only error mapping.
func explain(err error, spec Spec) string {
	var in *InputError
	if errors.As(err, &in) {
		return in.Msg
	}
	if msg, ok := explainCloud(err, spec); ok {
		return msg
	}
	var missing *errRouteMissing
	if errors.As(err, &missing) {
		v := "its version is not reported by /api/health"
		if missing.Version != "" {
			v = "version " + missing.Version
		}
		method, p := "", ""
		if apiErr, ok := client.AsAPIError(err); ok {
			method, p = apiErr.Method, apiErr.Path
		}
		return fmt.Sprintf("This Paperclip server (%s) does not serve %s %s, which %s needs (404 API route not found): it is older or newer than this tool expects. Nothing changed.", v, method, p, spec.Name)
	}
	var de *client.DecodeError
	if errors.As(err, &de) {
		return fmt.Sprintf("%v. Check that PAPERCLIP_API_URL points at Paperclip itself (not a proxy or a login page), then call again; if it persists, the Paperclip server log says more.", de)
	}
	var te *client.TransportError
	if errors.As(err, &te) {
		if te.Timeout {
			return fmt.Sprintf("Paperclip at %s did not answer in time (%s %s). Call again; if it keeps happening, check the server's load or raise the server's --timeout.", te.BaseURL, te.Method, te.Path)
		}
		return fmt.Sprintf("Paperclip is not reachable at %s (%v). Check that the server is running and that PAPERCLIP_API_URL points at it (the origin, e.g. http://127.0.0.1:3100).", te.BaseURL, te.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The call ran out of time before Paperclip answered. Call again."
	}
	if errors.Is(err, context.Canceled) {
		return "The call was cancelled by the client before it finished."
	}
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		return fmt.Sprintf("%s failed: %v", spec.Name, err)
	}
	msg := apiErr.Message
	switch s := apiErr.Status; {
	case s == 400:
		return fmt.Sprintf("Paperclip rejected the request as invalid (400 %s%s). Fix those arguments and call again.", msg, validationDetails(apiErr.Details))
	case s == 401:
		return fmt.Sprintf("Paperclip refused the credentials (401 %s). Check PAPERCLIP_API_KEY: a board key (pcp_board_…), an agent key (pcp_…) or a run JWT, which expires 48 h after its run started. On a local_trusted server, leave it unset.", msg)
	case s == 403:
		if strings.Contains(strings.ToLower(msg), "instance admin") {
			return fmt.Sprintf("Permission denied (403 %s). %s needs a board user who is an instance admin: agent keys, run JWTs and other board users cannot call it.", msg, spec.Name)
		}
		if spec.BoardOnly || strings.Contains(msg, "Board") || strings.Contains(msg, "board") {
			return fmt.Sprintf("Permission denied (403 %s). %s is board only: it needs a board API key (pcp_board_…); agent keys and run JWTs cannot call it.", msg, spec.Name)
		}
		if strings.Contains(msg, "itself") {
			return fmt.Sprintf("Permission denied (403 %s). An agent key or run JWT may only act as its own agent: use your own agentId (PAPERCLIP_AGENT_ID), or a board key to act on other agents.", msg)
		}
		return fmt.Sprintf("Permission denied (403 %s). The key in use is not allowed to do this: agent keys and run JWTs reach only their own company, and some actions only their own agent; board-only actions need a board key.", msg)
	case s == 404 && msg == "API route not found":
		return fmt.Sprintf("This Paperclip server does not serve %s %s (404 API route not found). Its version may be older or newer than this tool expects.", apiErr.Method, apiErr.Path)
	case s == 404:
		hint := spec.NotFound
		if hint == "" {
			hint = "Check the id."
		}
		return fmt.Sprintf("Not found (404 %s). %s", msg, hint)
	case s == 409:
		return fmt.Sprintf("Paperclip refused because of the current state (409 %s%s). Read the current state again, then decide whether to retry.", msg, codeSuffix(apiErr.Code))
	case s == 422:
		return fmt.Sprintf("Paperclip could not process the request (422 %s%s). Check the arguments against the current state.", msg, codeSuffix(apiErr.Code))
	case s == 429:
		wait := "a few seconds"
		if apiErr.RetryAfter > 0 {
			wait = fmt.Sprintf("%d s", apiErr.RetryAfter)
		}
		return fmt.Sprintf("Paperclip is rate limiting (429 %s), still after the retries this server makes. Wait %s and call again.", msg, wait)
	case s >= 500:
		return fmt.Sprintf("Paperclip failed with HTTP %d (%s) on %s %s. This is a server-side error: call again later, and check the Paperclip server log if it persists.", s, msg, apiErr.Method, apiErr.Path)
	default:
		return fmt.Sprintf("Paperclip answered HTTP %d (%s) on %s %s.", s, msg, apiErr.Method, apiErr.Path)
	}
}

func codeSuffix(code string) string {
	if code == "" {
		return ""
	}
	return ", code " + code
}

// validationDetails summarises zod issues: [{path:[...], message}].
func validationDetails(details any) string {
	list, ok := details.([]any)
	if !ok || len(list) == 0 {
		return ""
	}
	parts := []string{}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		var path []string
		if p, ok := m["path"].([]any); ok {
			for _, seg := range p {
				path = append(path, fmt.Sprint(seg))
			}
		}
		parts = append(parts, fmt.Sprintf("%s: %v", strings.Join(path, "."), m["message"]))
		if len(parts) == 5 {
			break
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}

// errRouteMissing: Paperclip answered 404 "API route not found", so this
// server version does not serve a route the tool calls.
type errRouteMissing struct {
	Version string
	Err     error
}

func (e *errRouteMissing) Error() string { return e.Err.Error() }
func (e *errRouteMissing) Unwrap() error { return e.Err }

// routeErr adds the server's version to a route-missing error, for any
// tool, so that the answer names what runs there.
func (d *Deps) routeErr(ctx context.Context, err error) error {
	if err == nil || !client.IsRouteMissing(err) {
		return err
	}
	var cloud *errCloudUnsupported
	var missing *errRouteMissing
	if errors.As(err, &cloud) || errors.As(err, &missing) {
		return err
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return &errRouteMissing{Version: d.serverVersion(hctx), Err: err}
}
