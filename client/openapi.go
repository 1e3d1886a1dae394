package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The server's own OpenAPI document (GET /api/openapi.json, public) lists
// every operation it serves. It has no operationId: an operation is named
// by its method and its path as the document writes it, e.g.
// "GET /api/companies/{companyId}/org". The document is read when first
// needed and kept for the life of the client (a failed read is not kept).

// Operation is one operation of the document.
type Operation struct {
	Method      string
	Path        string // as the document writes it, with /api
	Key         string // RouteKey(Method, Path)
	Summary     string
	Description string
	Tags        []string
	Parameters  []OperationParam
	// BodyTypes are the request body's content types; BodySchema the JSON
	// body's schema, as the document states it.
	BodyTypes    []string
	BodySchema   json.RawMessage
	BodyRequired bool
	// Authorization is x-paperclip-authorization: who may call it.
	Authorization json.RawMessage
}

// OperationParam is one path or query parameter.
type OperationParam struct {
	Name        string          `json:"name"`
	In          string          `json:"in"`
	Required    bool            `json:"required"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
}

var placeholder = regexp.MustCompile(`\{[^}]+\}`)

// RouteKey is "METHOD /api/a/{}/b": an operation's name with its
// placeholders unnamed, so that {id} and {companyId} match.
func RouteKey(method, path string) string {
	return strings.ToUpper(method) + " " + placeholder.ReplaceAllString(path, "{}")
}

// Name is "METHOD /api/path".
func (o Operation) Name() string { return o.Method + " " + o.Path }

// Callable says whether CallOperation can send it: under /api (the rest is
// served to heartbeat runtimes and MCP gateways) and with a JSON body or none.
func (o Operation) Callable() error {
	if !strings.HasPrefix(o.Path, "/api/") {
		return fmt.Errorf("%s is not under /api (it is served to heartbeat runtimes or MCP gateways)", o.Name())
	}
	for _, t := range o.BodyTypes {
		if t != "application/json" {
			return fmt.Errorf("%s takes a %s body, which only JSON calls cannot send", o.Name(), t)
		}
	}
	return nil
}

// PathParams are the names of the path's {placeholders}, in order.
func (o Operation) PathParams() []string {
	var out []string
	for _, seg := range strings.Split(o.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

type openAPICache struct {
	mu  sync.Mutex
	ops []Operation
}

// Operations is every operation of the server's document, sorted by path
// then method.
func (c *Client) Operations(ctx context.Context) ([]Operation, error) {
	c.openapi.mu.Lock()
	defer c.openapi.mu.Unlock()
	if c.openapi.ops != nil {
		return c.openapi.ops, nil
	}
	var raw []byte
	if err := c.do(ctx, request{route: routeOpenAPI}, &raw); err != nil {
		return nil, err
	}
	ops, err := ParseOperations(raw)
	if err != nil {
		return nil, err
	}
	c.openapi.ops = ops
	return ops, nil
}

// ParseOperations reads an OpenAPI 3 document's operations.
func ParseOperations(raw []byte) ([]Operation, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := decodeJSON(raw, &doc, http.MethodGet, "/api/openapi.json", http.StatusOK); err != nil {
		return nil, err
	}
	if len(doc.Paths) == 0 {
		return nil, &DecodeError{Method: http.MethodGet, Path: "/api/openapi.json", Status: http.StatusOK, Why: "an OpenAPI document that lists no operations"}
	}
	ops := []Operation{}
	for path, methods := range doc.Paths {
		for method, rawOp := range methods {
			m := strings.ToUpper(method)
			switch m {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			default:
				continue // "parameters", "summary" and the like
			}
			var op struct {
				Summary     string           `json:"summary"`
				Description string           `json:"description"`
				Tags        []string         `json:"tags"`
				Parameters  []OperationParam `json:"parameters"`
				RequestBody *struct {
					Required bool `json:"required"`
					Content  map[string]struct {
						Schema json.RawMessage `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
				Authorization json.RawMessage `json:"x-paperclip-authorization"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				return nil, &DecodeError{Method: http.MethodGet, Path: "/api/openapi.json", Status: http.StatusOK, Why: fmt.Sprintf("an OpenAPI document whose operation %s %s is not readable (%v)", m, path, err)}
			}
			o := Operation{Method: m, Path: path, Key: RouteKey(m, path), Summary: op.Summary, Description: op.Description, Tags: op.Tags,
				Parameters: op.Parameters, Authorization: op.Authorization}
			if rb := op.RequestBody; rb != nil {
				o.BodyRequired = rb.Required
				for ct, c := range rb.Content {
					o.BodyTypes = append(o.BodyTypes, ct)
					if ct == "application/json" {
						o.BodySchema = c.Schema
					}
				}
				sort.Strings(o.BodyTypes)
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, nil
}

// CallOperation sends one operation of the document: pathValues fill its
// placeholders in order (each escaped as one segment), query and a JSON
// body as given. The answer comes back as it came. Only GETs are retried,
// as for every request.
func (c *Client) CallOperation(ctx context.Context, op Operation, pathValues []string, query url.Values, body any) (*Raw, error) {
	if err := op.Callable(); err != nil {
		return nil, err
	}
	// Not declared with route: an operation of the document is not one of
	// the client's own routes (the drift test checks those).
	r := Route{Method: op.Method, Pattern: strings.TrimPrefix(op.Path, "/api")}
	var out Raw
	if err := c.do(ctx, request{route: r, params: pathValues, query: query, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

var routeOpenAPI = route(http.MethodGet, "/openapi.json")
