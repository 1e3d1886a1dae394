package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
)

// ExperimentalSettings is the instance's experimental settings object
// (GET/PATCH /api/instance/settings/experimental). Most keys are boolean
// flags (enableCloudSync, enableEnvironments, …); a few are not (timestamps,
// numbers, null). Both kinds are kept, unknown keys included, so that a flag
// this client has never heard of survives a round trip.
type ExperimentalSettings struct {
	// Flags holds every boolean key.
	Flags map[string]bool
	// Other holds every non-boolean key as the raw JSON the server sent.
	Other map[string]json.RawMessage
}

// UnmarshalJSON splits the object into boolean flags and the rest.
func (s *ExperimentalSettings) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.Flags = map[string]bool{}
	s.Other = map[string]json.RawMessage{}
	for k, v := range raw {
		var flag bool
		if t := bytes.TrimSpace(v); (bytes.Equal(t, []byte("true")) || bytes.Equal(t, []byte("false"))) && json.Unmarshal(t, &flag) == nil {
			s.Flags[k] = flag
			continue
		}
		s.Other[k] = v
	}
	return nil
}

// MarshalJSON writes the object back as one flat JSON object.
func (s ExperimentalSettings) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(s.Flags)+len(s.Other))
	for k, v := range s.Other {
		out[k] = v
	}
	for k, v := range s.Flags {
		out[k] = v
	}
	return json.Marshal(out)
}

// Has reports whether the server knows key at all (boolean or not).
func (s *ExperimentalSettings) Has(key string) bool {
	if _, ok := s.Flags[key]; ok {
		return true
	}
	_, ok := s.Other[key]
	return ok
}

// FlagNames lists the boolean keys, sorted.
func (s *ExperimentalSettings) FlagNames() []string {
	names := make([]string, 0, len(s.Flags))
	for k := range s.Flags {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// GetExperimentalSettings reads the instance's experimental settings (board only).
func (c *Client) GetExperimentalSettings(ctx context.Context) (*ExperimentalSettings, error) {
	var out ExperimentalSettings
	if err := c.do(ctx, request{route: routeGetExperimentalSettings}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateExperimentalSettings PATCHes the given boolean flags (instance admin)
// and returns what the server answered. Paperclip strips keys it does not
// know and still answers 200: compare the answer with what was asked.
func (c *Client) UpdateExperimentalSettings(ctx context.Context, flags map[string]bool) (*ExperimentalSettings, error) {
	var out ExperimentalSettings
	if err := c.do(ctx, request{route: routeUpdateExperimentalSettings, body: flags}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json).
var (
	routeGetExperimentalSettings    = route(http.MethodGet, "/instance/settings/experimental")
	routeUpdateExperimentalSettings = route(http.MethodPatch, "/instance/settings/experimental")
)
