package clouddouble

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// DiscoveryMode says what /.well-known/paperclip-upstream serves.
type DiscoveryMode int

const (
	// DiscoveryOK serves a valid paperclip-upstream-discovery-v1 document.
	DiscoveryOK DiscoveryMode = iota
	// DiscoveryMissing answers 404 (a site that is not a cloud stack).
	DiscoveryMissing
	// DiscoveryNotJSON answers 200 with an HTML page.
	DiscoveryNotJSON
	// DiscoveryWrongSchema answers a JSON document of another schema.
	DiscoveryWrongSchema
	// DiscoveryNoStack answers the right schema without the stack object.
	DiscoveryNoStack
)

// RemoteOptions configure a Remote double (a Paperclip Cloud stack).
type RemoteOptions struct {
	// SchemaMajor is transfer.supportedSchemaMajor (default 1).
	SchemaMajor int
	// FeatureFlags is transfer.featureFlags (nil: ["cloud_sync"]).
	FeatureFlags []string
	Discovery    DiscoveryMode
	// StackID, CompanyID (default random UUIDs), StackSlug and DisplayName
	// (default "acme" and "Acme Cloud").
	StackID, CompanyID, StackSlug, DisplayName string
	// DenyAuthorization makes the authorize endpoint redirect with
	// error=access_denied instead of a code.
	DenyAuthorization bool
	// TokenTTL is how long issued tokens last (default 30 days).
	TokenTTL time.Duration
}

// RemoteRequest is one request the remote received.
type RemoteRequest struct {
	Method, Path, RawQuery string
	// Authorization is the Authorization header as received ("" when none).
	Authorization string
}

type grant struct {
	challenge, redirectURI string
	used                   bool
}

// Remote is the double of a Paperclip Cloud stack. It is an http.Handler;
// every absolute URL it publishes is built from the request's Host, so it
// works behind any httptest server.
type Remote struct {
	mu       sync.Mutex
	opts     RemoteOptions
	grants   map[string]*grant
	requests []RemoteRequest
}

// NewRemote builds a Remote double.
func NewRemote(opts RemoteOptions) *Remote {
	if opts.SchemaMajor == 0 {
		opts.SchemaMajor = 1
	}
	if opts.FeatureFlags == nil {
		opts.FeatureFlags = []string{"cloud_sync"}
	}
	if opts.StackID == "" {
		opts.StackID = NewUUID()
	}
	if opts.CompanyID == "" {
		opts.CompanyID = NewUUID()
	}
	if opts.StackSlug == "" {
		opts.StackSlug = "acme"
	}
	if opts.DisplayName == "" {
		opts.DisplayName = "Acme Cloud"
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 30 * 24 * time.Hour
	}
	return &Remote{opts: opts, grants: map[string]*grant{}}
}

// SetSchemaMajor changes transfer.supportedSchemaMajor.
func (m *Remote) SetSchemaMajor(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.SchemaMajor = n
}

// SetFeatureFlags changes transfer.featureFlags.
func (m *Remote) SetFeatureFlags(flags []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.FeatureFlags = append([]string{}, flags...)
}

// SetDiscovery changes what the discovery URL serves.
func (m *Remote) SetDiscovery(mode DiscoveryMode) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.Discovery = mode
}

// StackID is the stack's id.
func (m *Remote) StackID() string { return m.opts.StackID }

// Requests lists every request received, with its Authorization header.
func (m *Remote) Requests() []RemoteRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]RemoteRequest(nil), m.requests...)
}

// ServeHTTP answers the discovery document, the authorize redirect and the
// token exchange.
func (m *Remote) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = append(m.requests, RemoteRequest{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Authorization: r.Header.Get("Authorization")})
	origin := "http://" + r.Host
	switch {
	case r.URL.Path == "/.well-known/paperclip-upstream" && r.Method == http.MethodGet:
		m.discovery(w, origin)
	case r.URL.Path == "/oauth/authorize" && r.Method == http.MethodGet:
		m.authorize(w, r)
	case r.URL.Path == "/oauth/token" && r.Method == http.MethodPost:
		m.token(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	}
}

func (m *Remote) discovery(w http.ResponseWriter, origin string) {
	switch m.opts.Discovery {
	case DiscoveryMissing:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
		return
	case DiscoveryNotJSON:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>Welcome</title><p>Not a cloud stack"))
		return
	case DiscoveryWrongSchema:
		writeJSON(w, http.StatusOK, map[string]any{"schema": "openid-configuration", "issuer": origin})
		return
	}
	u, _ := url.Parse(origin)
	doc := map[string]any{
		"schema":  "paperclip-upstream-discovery-v1",
		"product": "Paperclip Cloud",
		"stack": map[string]any{"id": m.opts.StackID, "slug": m.opts.StackSlug, "displayName": m.opts.DisplayName,
			"companyId": m.opts.CompanyID, "origin": origin, "primaryHost": u.Host},
		"auth": map[string]any{
			"pkce": map[string]any{"authorizeUrl": origin + "/oauth/authorize", "tokenUrl": origin + "/oauth/token",
				"codeChallengeMethod": "S256"},
			"scopes": []string{"upstream_import:preview", "upstream_import:write", "upstream_import:read"},
		},
		"transfer": map[string]any{"supportedSchemaMajor": m.opts.SchemaMajor, "featureFlags": m.opts.FeatureFlags,
			"maxChunkBytes": 4 * 1024 * 1024},
	}
	if m.opts.Discovery == DiscoveryNoStack {
		delete(doc, "stack")
	}
	writeJSON(w, http.StatusOK, doc)
}

// authorize approves at once (a person would log in and consent here) and
// redirects to redirectUri with a one-time code and the state.
func (m *Remote) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"stackId", "redirectUri", "state", "codeChallenge", "codeChallengeMethod"} {
		if q.Get(k) == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": k + " is required"})
			return
		}
	}
	if q.Get("codeChallengeMethod") != "S256" || q.Get("stackId") != m.opts.StackID {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	back, err := url.Parse(q.Get("redirectUri"))
	if err != nil || back.Scheme == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid redirectUri"})
		return
	}
	bq := back.Query()
	if m.opts.DenyAuthorization {
		bq.Set("error", "access_denied")
	} else {
		code := randomToken(18)
		m.grants[code] = &grant{challenge: q.Get("codeChallenge"), redirectURI: q.Get("redirectUri")}
		bq.Set("code", code)
	}
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (m *Remote) token(w http.ResponseWriter, r *http.Request) {
	var in struct {
		GrantType    string `json:"grantType"`
		Code         string `json:"code"`
		RedirectURI  string `json:"redirectUri"`
		CodeVerifier string `json:"codeVerifier"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.GrantType != "authorization_code" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	g, ok := m.grants[in.Code]
	sum := sha256.Sum256([]byte(in.CodeVerifier))
	if !ok || g.used || g.redirectURI != in.RedirectURI || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	g.used = true
	expires := time.Now().Add(m.opts.TokenTTL).UTC().Format("2006-01-02T15:04:05.000Z")
	writeJSON(w, http.StatusOK, map[string]any{
		"accessToken": "pcc_" + randomToken(24),
		"token":       map[string]any{"id": NewUUID(), "expiresAt": expires, "globalUserId": fmt.Sprintf("user-%s", m.opts.StackSlug)},
	})
}
