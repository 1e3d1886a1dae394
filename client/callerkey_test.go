package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A caller's own key replaces the configured one for that caller's
// requests only, and the caches of finished runs are kept per caller.
func TestCallerKeyIsThatCallersOnly(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"` + runID + `","companyId":"` + cid + `","agentId":"` + cid + `","status":"failed","logBytes":10,"createdAt":"2026-12-03T10:00:00Z"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: "pcp_board_configured"})
	require.NoError(t, err)
	ctx := context.Background()
	alice, bob := WithCallerKey(ctx, "pcp_alice_key"), WithCallerKey(ctx, "pcp_bob_key")

	_, err = c.GetRunLogInfo(alice, runID)
	require.NoError(t, err)
	_, err = c.GetRunLogInfo(alice, runID) // from alice's cache
	require.NoError(t, err)
	_, err = c.GetRunLogInfo(bob, runID) // not from alice's
	require.NoError(t, err)
	_, err = c.GetRunLogInfo(ctx, runID)
	require.NoError(t, err)
	assert.Equal(t, []string{"Bearer pcp_alice_key", "Bearer pcp_bob_key", "Bearer pcp_board_configured"}, auths)

	assert.Empty(t, CallerScope(ctx))
	assert.NotEqual(t, CallerScope(alice), CallerScope(bob))
	assert.NotContains(t, CallerScope(alice), "alice", "a digest, not the key")
	assert.Equal(t, ctx, WithCallerKey(ctx, ""), "no key: the configured one")
}

// An error answer that echoes a credential (the caller's, the configured
// one) is redacted before anything reads it: tools, resources, logs.
func TestErrorAnswersNeverCarryAKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"bad token ` + r.Header.Get("Authorization") + `","details":{"auth":"` + r.Header.Get("Authorization") + `"}}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: "pcp_board_configured"})
	require.NoError(t, err)
	for ctx, key := range map[context.Context]string{
		context.Background(): "pcp_board_configured",
		WithCallerKey(context.Background(), "pcp_alice_key"): "pcp_alice_key",
	} {
		_, err := c.GetRun(ctx, runID)
		apiErr, ok := AsAPIError(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "bad token Bearer [redacted]", apiErr.Message)
		assert.NotContains(t, err.Error(), key)
		assert.NotContains(t, fmt.Sprint(apiErr.Details), key)
	}
}
