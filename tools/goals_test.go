package tools

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// TestGoalsPagedClientSide: the goals route has no paging, so one request is
// paged here with an exact total, and the markdown shows level and status.
func TestGoalsPagedClientSide(t *testing.T) {
	s := newStub(t)
	rows := []any{goalRow(testGoal, "Root", "")}
	for i := 1; i <= 4; i++ {
		rows = append(rows, goalRow(fmt.Sprintf("60000000-0000-4000-8000-00000000010%d", i), fmt.Sprintf("Child %d", i), testGoal))
	}
	s.reply("GET /api/companies/{companyId}/goals", 200, rows)
	d := s.deps(client.Config{})

	var p Page[GoalView]
	md := callOK(t, d, "paperclip_list_goals", map[string]any{"limit": 2, "offset": 2}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 5, *p.Total, "the total is exact: everything was read")
	assert.Equal(t, 2, p.Count)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 4, *p.NextOffset)
	assert.Equal(t, 1, p.Items[0].Depth, "children keep their depth on a later page")
	assert.Contains(t, md, "· team · active")
	assert.Contains(t, md, "paperclip_list_goals")
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Empty(t, reqs[0].Query, "the route ignores paging: none is sent")

	n := len(s.requests())
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_goal", map[string]any{"title": "x", "status": "completed"}), "completed is not a goal status")
	assert.NotEmpty(t, callErr(t, d, "paperclip_create_goal", map[string]any{"title": "x", "parentId": "not-a-uuid"}))
	assert.Contains(t, callErr(t, d, "paperclip_create_goal", map[string]any{"title": "   "}), "blank")
	assert.Len(t, s.requests(), n, "refused before sending")
}
