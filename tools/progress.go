package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type progressKey struct{}

type progressSink struct {
	token mcp.ProgressToken
	srv   *server.MCPServer
}

// withProgress remembers the caller's progress token, when it gave one.
func withProgress(ctx context.Context, req mcp.CallToolRequest) context.Context {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return ctx
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return ctx
	}
	return context.WithValue(ctx, progressKey{}, &progressSink{token: req.Params.Meta.ProgressToken, srv: srv})
}

// reportProgress sends notifications/progress when the caller asked for it;
// otherwise it does nothing. progress must rise between calls.
func reportProgress(ctx context.Context, progress, total float64, message string) {
	sink, ok := ctx.Value(progressKey{}).(*progressSink)
	if !ok {
		return
	}
	params := map[string]any{"progressToken": sink.token, "progress": progress}
	if total > 0 {
		params["total"] = total
	}
	if message != "" {
		params["message"] = message
	}
	_ = sink.srv.SendNotificationToClient(ctx, "notifications/progress", params)
}
