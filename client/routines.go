package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Routine is a routine as Paperclip returns it (the fields this server
// uses; env is left out on purpose: it may hold secrets).
type Routine struct {
	ID                string           `json:"id"`
	CompanyID         string           `json:"companyId"`
	ProjectID         *string          `json:"projectId"`
	GoalID            *string          `json:"goalId"`
	Title             string           `json:"title"`
	Description       *string          `json:"description"`
	AssigneeAgentID   *string          `json:"assigneeAgentId"`
	Priority          string           `json:"priority"`
	Status            string           `json:"status"`
	ConcurrencyPolicy string           `json:"concurrencyPolicy"`
	CatchUpPolicy     string           `json:"catchUpPolicy"`
	LatestRevision    int              `json:"latestRevisionNumber"`
	LastTriggeredAt   *string          `json:"lastTriggeredAt"`
	CreatedAt         string           `json:"createdAt"`
	UpdatedAt         string           `json:"updatedAt"`
	Triggers          []RoutineTrigger `json:"triggers"`
	RecentRuns        []RoutineRun     `json:"recentRuns"`
}

// RoutineTrigger is a routine's schedule, webhook or API trigger.
type RoutineTrigger struct {
	ID             string  `json:"id"`
	RoutineID      string  `json:"routineId"`
	Kind           string  `json:"kind"`
	Label          *string `json:"label"`
	Enabled        bool    `json:"enabled"`
	CronExpression *string `json:"cronExpression"`
	Timezone       *string `json:"timezone"`
	NextRunAt      *string `json:"nextRunAt"`
	LastFiredAt    *string `json:"lastFiredAt"`
	PublicID       *string `json:"publicId"`
	SigningMode    *string `json:"signingMode"`
	CreatedAt      string  `json:"createdAt"`
}

// RoutineRun is one run of a routine (the issue it made, or why not).
type RoutineRun struct {
	ID            string  `json:"id"`
	RoutineID     string  `json:"routineId"`
	TriggerID     *string `json:"triggerId"`
	Source        string  `json:"source"`
	Status        string  `json:"status"`
	TriggeredAt   string  `json:"triggeredAt"`
	LinkedIssueID *string `json:"linkedIssueId"`
	FailureReason *string `json:"failureReason"`
	CompletedAt   *string `json:"completedAt"`
	LinkedIssue   *struct {
		Identifier string `json:"identifier"`
		Status     string `json:"status"`
	} `json:"linkedIssue"`
}

// RoutineFields are the writable fields of a routine; nil pointers are not sent.
type RoutineFields struct {
	Title             *string `json:"title,omitempty"`
	Description       *string `json:"description,omitempty"`
	AssigneeAgentID   *string `json:"assigneeAgentId,omitempty"`
	ConcurrencyPolicy *string `json:"concurrencyPolicy,omitempty"`
	CatchUpPolicy     *string `json:"catchUpPolicy,omitempty"`
	Status            *string `json:"status,omitempty"`
	ProjectID         *string `json:"projectId,omitempty"`
}

// ListRoutines lists a company's routines (GET /api/companies/{companyId}/routines; no paging).
func (c *Client) ListRoutines(ctx context.Context, companyID, projectID string) ([]Routine, error) {
	q := url.Values{}
	if projectID != "" {
		q.Set("projectId", projectID)
	}
	var out []Routine
	err := c.do(ctx, request{route: routeListRoutines, params: []string{companyID}, query: q}, &out)
	return out, err
}

// GetRoutine reads one routine with its triggers and recent runs.
func (c *Client) GetRoutine(ctx context.Context, id string) (*Routine, error) {
	var out Routine
	if err := c.do(ctx, request{route: routeGetRoutine, params: []string{id}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRoutine creates a routine (POST /api/companies/{companyId}/routines).
func (c *Client) CreateRoutine(ctx context.Context, companyID string, f RoutineFields) (*Routine, error) {
	var out Routine
	if err := c.do(ctx, request{route: routeCreateRoutine, params: []string{companyID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRoutine changes a routine (PATCH /api/routines/{id}); each change is a new revision.
func (c *Client) UpdateRoutine(ctx context.Context, id string, f RoutineFields) (*Routine, error) {
	var out Routine
	if err := c.do(ctx, request{route: routeUpdateRoutine, params: []string{id}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TriggerFields are the fields of a new or changed trigger; kind only on create.
type TriggerFields struct {
	Kind           string  `json:"kind,omitempty"`
	CronExpression *string `json:"cronExpression,omitempty"`
	Timezone       *string `json:"timezone,omitempty"`
	Label          *string `json:"label,omitempty"`
	Enabled        *bool   `json:"enabled,omitempty"`
	SigningMode    *string `json:"signingMode,omitempty"`
}

// NewTrigger is what adding a trigger answers. SecretMaterial holds a
// webhook's signing secret, shown this once: callers must not pass it on.
type NewTrigger struct {
	Trigger        RoutineTrigger `json:"trigger"`
	SecretMaterial *struct {
		WebhookURL    string `json:"webhookUrl"`
		WebhookSecret string `json:"webhookSecret"`
	} `json:"secretMaterial"`
}

// AddRoutineTrigger adds a trigger (POST /api/routines/{id}/triggers).
func (c *Client) AddRoutineTrigger(ctx context.Context, routineID string, f TriggerFields) (*NewTrigger, error) {
	var out NewTrigger
	if err := c.do(ctx, request{route: routeAddTrigger, params: []string{routineID}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRoutineTrigger changes a trigger (PATCH /api/routine-triggers/{id});
// its kind cannot change.
func (c *Client) UpdateRoutineTrigger(ctx context.Context, id string, f TriggerFields) (*RoutineTrigger, error) {
	f.Kind = ""
	var out RoutineTrigger
	if err := c.do(ctx, request{route: routeUpdateTrigger, params: []string{id}, body: f}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRoutineTrigger deletes a trigger (DELETE /api/routine-triggers/{id}; 204).
func (c *Client) DeleteRoutineTrigger(ctx context.Context, id string) error {
	return c.do(ctx, request{route: routeDeleteTrigger, params: []string{id}}, nil)
}

// RunRoutine runs a routine now (POST /api/routines/{id}/run; 202), with an
// optional assignee for this run.
func (c *Client) RunRoutine(ctx context.Context, id, assigneeAgentID string) (*RoutineRun, error) {
	body := map[string]any{"source": "manual"}
	if assigneeAgentID != "" {
		body["assigneeAgentId"] = assigneeAgentID
	}
	var out RoutineRun
	if err := c.do(ctx, request{route: routeRunRoutine, params: []string{id}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRoutineRuns lists a routine's runs, newest first
// (GET /api/routines/{id}/runs; limit 1..200, no offset).
func (c *Client) ListRoutineRuns(ctx context.Context, id string, limit int) ([]RoutineRun, error) {
	var out []RoutineRun
	err := c.do(ctx, request{route: routeListRoutineRuns, params: []string{id}, query: url.Values{"limit": {strconv.Itoa(limit)}}}, &out)
	return out, err
}

// The routes of this file (checked against /api/openapi.json by test/integration).
var (
	routeListRoutines    = route(http.MethodGet, "/companies/{companyId}/routines")
	routeCreateRoutine   = route(http.MethodPost, "/companies/{companyId}/routines")
	routeGetRoutine      = route(http.MethodGet, "/routines/{routineId}")
	routeUpdateRoutine   = route(http.MethodPatch, "/routines/{routineId}")
	routeAddTrigger      = route(http.MethodPost, "/routines/{routineId}/triggers")
	routeUpdateTrigger   = route(http.MethodPatch, "/routine-triggers/{triggerId}")
	routeDeleteTrigger   = route(http.MethodDelete, "/routine-triggers/{triggerId}")
	routeRunRoutine      = route(http.MethodPost, "/routines/{routineId}/run")
	routeListRoutineRuns = route(http.MethodGet, "/routines/{routineId}/runs")
)
