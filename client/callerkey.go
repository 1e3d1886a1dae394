package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// A caller's own Paperclip key, for a server that serves many callers (the
// HTTP transport's pass-through mode): requests made with such a context
// carry that key instead of the configured one.

type callerKeyCtx struct{}

// WithCallerKey returns ctx whose requests authenticate with key.
func WithCallerKey(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, callerKeyCtx{}, key)
}

// CallerKey is the key WithCallerKey put in ctx, or "" (for scrubbing it
// from what the caller is answered).
func CallerKey(ctx context.Context) string { return callerKey(ctx) }

func callerKey(ctx context.Context) string {
	k, _ := ctx.Value(callerKeyCtx{}).(string)
	return k
}

// CallerScope names whose answers a cache may share: "" for the configured
// credential, else a digest of the caller's key, so that what one caller
// was allowed to read is never served to another from a cache.
func CallerScope(ctx context.Context) string {
	k := callerKey(ctx)
	if k == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:8])
}
