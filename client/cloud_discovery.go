package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// A cloud stack's discovery document: fetched from the remote itself, with
// no credentials, through a transport that only ever reaches that stack.

// ---------------------------------------------------------------- discovery

// Discovery is a cloud stack's /.well-known/paperclip-upstream document.
type Discovery struct {
	Schema   string            `json:"schema"`
	Product  string            `json:"product,omitempty"`
	Stack    DiscoveryStack    `json:"stack"`
	Auth     DiscoveryAuth     `json:"auth"`
	Transfer DiscoveryTransfer `json:"transfer"`
}

// DiscoveryStack names the stack and the cloud company that receives imports.
type DiscoveryStack struct {
	ID          string `json:"id"`
	Slug        string `json:"slug,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	CompanyID   string `json:"companyId"`
	Origin      string `json:"origin"`
	PrimaryHost string `json:"primaryHost,omitempty"`
}

// DiscoveryAuth is how a local server gets a token from the stack.
type DiscoveryAuth struct {
	PKCE       *DiscoveryPKCE       `json:"pkce,omitempty"`
	DeviceCode *DiscoveryDeviceCode `json:"deviceCode,omitempty"`
	Scopes     []string             `json:"scopes,omitempty"`
}

// DiscoveryPKCE is the authorization-code flow with PKCE.
type DiscoveryPKCE struct {
	AuthorizeURL        string `json:"authorizeUrl"`
	ConsentURL          string `json:"consentUrl,omitempty"`
	TokenURL            string `json:"tokenUrl"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

// DiscoveryDeviceCode is the device-code flow.
type DiscoveryDeviceCode struct {
	DeviceCodeURL   string `json:"deviceCodeUrl"`
	VerificationURL string `json:"verificationUrl"`
	TokenURL        string `json:"tokenUrl"`
}

// DiscoveryTransfer is what the stack accepts.
type DiscoveryTransfer struct {
	SupportedSchemaMajor *int `json:"supportedSchemaMajor,omitempty"`
	// Schema is the newer form {major, minor, …}; Paperclip prefers its
	// major over supportedSchemaMajor when both are present.
	Schema        *DiscoveryTransferSchema `json:"schema,omitempty"`
	FeatureFlags  []string                 `json:"featureFlags"`
	MaxChunkBytes *int64                   `json:"maxChunkBytes,omitempty"`
}

// DiscoveryTransferSchema is transfer.schema.
type DiscoveryTransferSchema struct {
	Major *int `json:"major,omitempty"`
}

// SchemaMajor is the transfer schema major the stack supports, as Paperclip
// reads it; ok is false when the document gives none.
func (d *Discovery) SchemaMajor() (major int, ok bool) {
	if d.Transfer.Schema != nil && d.Transfer.Schema.Major != nil {
		return *d.Transfer.Schema.Major, true
	}
	if d.Transfer.SupportedSchemaMajor != nil {
		return *d.Transfer.SupportedSchemaMajor, true
	}
	return 0, false
}

// HasFeature reports whether transfer.featureFlags holds flag.
func (d *Discovery) HasFeature(flag string) bool {
	for _, f := range d.Transfer.FeatureFlags {
		if f == flag {
			return true
		}
	}
	return false
}

// DiscoveryError says why a remote's discovery document could not be read.
// It never carries credentials: none are sent to the remote.
type DiscoveryError struct {
	Kind DiscoveryErrorKind
	// URL is the discovery URL that was fetched.
	URL string
	// Status is the HTTP status, when an answer came.
	Status int
	// Schema is the schema id the document declared, for KindWrongSchema.
	Schema  string
	Timeout bool
	Err     error
}

// DiscoveryErrorKind classifies a DiscoveryError.
type DiscoveryErrorKind string

// The kinds of DiscoveryError.
const (
	DiscoveryUnreachable DiscoveryErrorKind = "unreachable" // no HTTP answer
	DiscoveryHTTPStatus  DiscoveryErrorKind = "http_status" // an answer, not 2xx
	DiscoveryNotJSON     DiscoveryErrorKind = "not_json"    // 2xx, but not a JSON object
	DiscoveryWrongSchema DiscoveryErrorKind = "wrong_schema"
)

func (e *DiscoveryError) Error() string {
	switch e.Kind {
	case DiscoveryUnreachable:
		return fmt.Sprintf("GET %s: no answer: %v", e.URL, e.Err)
	case DiscoveryHTTPStatus:
		return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status)
	case DiscoveryNotJSON:
		return fmt.Sprintf("GET %s: not a JSON discovery document: %v", e.URL, e.Err)
	default:
		return fmt.Sprintf("GET %s: schema %q, want %q", e.URL, e.Schema, DiscoverySchema)
	}
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// RemoteURLError is a remote URL refused before any request.
type RemoteURLError struct {
	URL    string
	Reason string
}

func (e *RemoteURLError) Error() string { return fmt.Sprintf("remote URL %q: %s", e.URL, e.Reason) }

// isLoopbackHost is the only exception to https for a cloud stack: local
// development on this machine.
func isLoopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// ValidateRemoteURL checks a cloud stack address before anything is sent:
// an absolute http(s) URL with a host, https unless the host is localhost,
// 127.0.0.1 or [::1], no credentials, no query or fragment.
func ValidateRemoteURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it is empty"}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, &RemoteURLError{URL: raw, Reason: "it does not parse as a URL"}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, &RemoteURLError{URL: raw, Reason: "it must start with https://"}
	}
	if u.Hostname() == "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it has no host"}
	}
	if u.User != nil {
		return nil, &RemoteURLError{URL: raw, Reason: "it must not carry a user name or password"}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, &RemoteURLError{URL: raw, Reason: "it must not have a query or a fragment"}
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, &RemoteURLError{URL: raw, Reason: "a cloud stack must be reached over https (http is allowed only for localhost, 127.0.0.1 and [::1])"}
	}
	return u, nil
}

// DiscoveryURL is where Paperclip looks for the document of remote: the
// remote's origin, /.well-known/paperclip-upstream, and ?stackId=<first
// path segment> when the remote URL has a path (other than /dashboard), as
// the server's own connect step does.
func DiscoveryURL(remote *url.URL) string {
	d := url.URL{Scheme: remote.Scheme, Host: remote.Host, Path: "/.well-known/paperclip-upstream"}
	for _, seg := range strings.Split(remote.Path, "/") {
		if seg == "" {
			continue
		}
		if !strings.EqualFold(seg, "dashboard") {
			d.RawQuery = url.Values{"stackId": {seg}}.Encode()
		}
		break
	}
	return d.String()
}

// maxDiscoveryBytes bounds the discovery document read from a stranger.
const maxDiscoveryBytes = 1 << 20

// remoteTransport is shared by every off-host request, so that building a
// resty client per call does not leak connections.
var (
	remoteTransportOnce sync.Once
	remoteTransport     *http.Transport
)

func sharedRemoteTransport() *http.Transport {
	remoteTransportOnce.Do(func() {
		remoteTransport = http.DefaultTransport.(*http.Transport).Clone()
	})
	return remoteTransport
}

// remote returns a resty client for requests that leave the Paperclip
// server: the same timeout, retry policy, user agent and logger as c, but no
// base URL, no Authorization (our Paperclip key must never go off-host), no
// X-Paperclip-Run-Id, no cookie jar, and redirects only to URLs that pass
// the https rule.
func (c *Client) remote() *resty.Client {
	r := resty.NewWithClient(&http.Client{Transport: sharedRemoteTransport()}).
		SetTimeout(c.timeout).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", c.http.Header.Get("User-Agent")).
		SetDisableWarn(true).
		SetLogger(quietLogger{c.log}).
		SetRetryCount(c.http.RetryCount).
		SetRetryWaitTime(c.http.RetryWaitTime).
		SetRetryMaxWaitTime(c.http.RetryMaxWaitTime).
		SetRetryAfter(c.http.RetryAfter).
		AddRetryCondition(shouldRetry).
		SetResponseBodyLimit(maxDiscoveryBytes).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("stopped after 3 redirects")
			}
			if _, err := ValidateRemoteURL(req.URL.Scheme + "://" + req.URL.Host + req.URL.EscapedPath()); err != nil {
				return fmt.Errorf("refused redirect to %s://%s: %v", req.URL.Scheme, req.URL.Host, err)
			}
			req.Header.Del("Authorization")
			return nil
		}))
	return r
}

// FetchDiscovery reads remoteURL's discovery document. The URL is checked
// first (https unless localhost); the request carries no credentials. The
// document is returned when it declares the paperclip-upstream-discovery-v1
// schema; whether the stack is compatible is for the caller to judge
// (SchemaMajor, HasFeature).
func (c *Client) FetchDiscovery(ctx context.Context, remoteURL string) (*Discovery, error) {
	u, err := ValidateRemoteURL(remoteURL)
	if err != nil {
		return nil, err
	}
	target := DiscoveryURL(u)
	start := time.Now()
	res, err := c.remote().R().SetContext(ctx).Get(target)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Err: fmt.Errorf("the answer is larger than %d bytes", maxDiscoveryBytes)}
		}
		return nil, &DiscoveryError{Kind: DiscoveryUnreachable, URL: target, Timeout: isTimeout(err), Err: stripURL(err)}
	}
	c.log.Debug("cloud discovery request", "host", u.Host, "status", res.StatusCode(), "ms", time.Since(start).Milliseconds())
	if res.IsError() || res.StatusCode() >= 300 {
		return nil, &DiscoveryError{Kind: DiscoveryHTTPStatus, URL: target, Status: res.StatusCode()}
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(res.Body(), &probe); err != nil {
		return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Status: res.StatusCode(), Err: err}
	}
	var doc Discovery
	if err := json.Unmarshal(res.Body(), &doc); err != nil {
		// Right JSON object, wrong field types: not a document we can use.
		var schema struct {
			Schema string `json:"schema"`
		}
		_ = json.Unmarshal(res.Body(), &schema)
		if schema.Schema != DiscoverySchema {
			return nil, &DiscoveryError{Kind: DiscoveryWrongSchema, URL: target, Status: res.StatusCode(), Schema: schema.Schema}
		}
		return nil, &DiscoveryError{Kind: DiscoveryNotJSON, URL: target, Status: res.StatusCode(), Err: err}
	}
	if doc.Schema != DiscoverySchema {
		return nil, &DiscoveryError{Kind: DiscoveryWrongSchema, URL: target, Status: res.StatusCode(), Schema: doc.Schema}
	}
	if doc.Transfer.FeatureFlags == nil {
		doc.Transfer.FeatureFlags = []string{}
	}
	return &doc, nil
}
