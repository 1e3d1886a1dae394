package client

import (
	"fmt"
	"strings"
	"sync"
)

// Route is one Paperclip endpoint: a method and a path pattern under /api
// whose {placeholders} are filled, in order, with escaped values. Every
// route the client calls is declared with route or cloudRoute, so Routes
// lists them all: the drift test finds each in the server's OpenAPI document.
type Route struct {
	Method  string
	Pattern string
	// Cloud routes are served by no published Paperclip release (the cloud
	// upstream sync contract); the drift test expects them absent.
	Cloud bool
}

func (r Route) String() string { return r.Method + " /api" + r.Pattern }

var (
	routesMu sync.Mutex
	routes   []Route
)

func route(method, pattern string) Route { return declare(Route{Method: method, Pattern: pattern}) }

func cloudRoute(method, pattern string) Route {
	return declare(Route{Method: method, Pattern: pattern, Cloud: true})
}

func declare(r Route) Route {
	if !strings.HasPrefix(r.Pattern, "/") {
		panic("route pattern must start with /: " + r.Pattern)
	}
	routesMu.Lock()
	defer routesMu.Unlock()
	routes = append(routes, r)
	return r
}

// Routes is every route the client can call.
func Routes() []Route {
	routesMu.Lock()
	defer routesMu.Unlock()
	return append([]Route(nil), routes...)
}

// fill puts escaped values into the pattern's placeholders, in order.
func (r Route) fill(values []string) (string, error) {
	var b strings.Builder
	i := 0
	for _, seg := range strings.Split(strings.TrimPrefix(r.Pattern, "/"), "/") {
		b.WriteByte('/')
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if i >= len(values) {
				return "", fmt.Errorf("%s: no value for %s", r, seg)
			}
			esc, err := segment(values[i])
			if err != nil {
				return "", fmt.Errorf("%s: %s: %w", r, seg, err)
			}
			b.WriteString(esc)
			i++
			continue
		}
		b.WriteString(seg)
	}
	if i != len(values) {
		return "", fmt.Errorf("%s: %d values for %d placeholders", r, len(values), i)
	}
	return b.String(), nil
}
