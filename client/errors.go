package client

import (
	"errors"
	"fmt"
)

// APIError is a non-2xx answer from Paperclip. Message and Code come from the
// body {"error": "...", "code": "...", "details": ...} when it has one.
type APIError struct {
	Status  int
	Message string
	Code    string
	Details any
	Method  string
	Path    string // the request path, without query (never holds a secret)
	// RetryAfter is the server's Retry-After in seconds on a 429, 0 when absent.
	RetryAfter int
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "no error message in the response"
	}
	if e.Code != "" {
		return fmt.Sprintf("%s %s: HTTP %d %s (code %s)", e.Method, e.Path, e.Status, msg, e.Code)
	}
	return fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.Status, msg)
}

// TransportError is a request that got no HTTP answer at all.
type TransportError struct {
	Method  string
	Path    string
	BaseURL string
	Timeout bool // the request timed out (as opposed to: nothing listening)
	Err     error
}

func (e *TransportError) Error() string {
	what := "could not reach Paperclip"
	if e.Timeout {
		what = "timed out waiting for Paperclip"
	}
	return fmt.Sprintf("%s %s: %s at %s: %v", e.Method, e.Path, what, e.BaseURL, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// AsAPIError returns the *APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// IsRouteMissing reports whether err is Paperclip's answer to a path it does
// not serve at all (404 "API route not found"), as opposed to a missing object.
func IsRouteMissing(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Status == 404 && apiErr.Message == "API route not found"
}
