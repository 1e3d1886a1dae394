package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findGoal = "Find goal ids with paperclip_list_goals."

// GoalView is one goal.
type GoalView struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Level        string `json:"level"`
	Status       string `json:"status"`
	ParentID     string `json:"parentId,omitempty"`
	OwnerAgentID string `json:"ownerAgentId,omitempty"`
	Description  string `json:"description,omitempty"`
	// Depth is the goal's depth under its top-level ancestor (lists only).
	Depth     int    `json:"depth"`
	UpdatedAt string `json:"updatedAt"`
}

func goalView(g *client.Goal, descMax int) GoalView {
	return GoalView{ID: g.ID, Title: g.Title, Level: g.Level, Status: g.Status, ParentID: str(g.ParentID), OwnerAgentID: str(g.OwnerAgentID),
		Description: clip(str(g.Description), descMax), UpdatedAt: g.UpdatedAt}
}

func goalLine(g GoalView) string {
	return fmt.Sprintf("%s- **%s** `%s` · %s · %s%s", strings.Repeat("  ", g.Depth), g.Title, g.ID, g.Level, g.Status,
		wrapped(" · owner `", g.OwnerAgentID, "`"))
}

// goalTree orders goals parents first, each followed by its children (by
// title), with their depth; goals whose parent is not in the list are roots.
func goalTree(goals []client.Goal) []GoalView {
	byID := map[string]bool{}
	children := map[string][]int{}
	for i, g := range goals {
		byID[g.ID] = true
		children[str(g.ParentID)] = append(children[str(g.ParentID)], i)
	}
	out := make([]GoalView, 0, len(goals))
	seen := map[string]bool{}
	var walk func(i, depth int)
	walk = func(i, depth int) {
		g := &goals[i]
		if seen[g.ID] {
			return
		}
		seen[g.ID] = true
		v := goalView(g, 200)
		v.Depth = depth
		out = append(out, v)
		for _, c := range children[g.ID] {
			walk(c, depth+1)
		}
	}
	for i, g := range goals {
		if p := str(g.ParentID); p == "" || !byID[p] {
			walk(i, 0)
		}
	}
	for i := range goals { // a cycle: what is left, flat
		walk(i, 0)
	}
	return out
}

// ListGoalsArgs are the arguments of paperclip_list_goals.
type ListGoalsArgs struct {
	CompanyArg
	Paging
	Format
}

func listGoals(ctx context.Context, d *Deps, a ListGoalsArgs) (Page[GoalView], error) {
	page := Page[GoalView]{Items: []GoalView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListGoals(ctx, companyID)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(goalTree(all), a.Offset, a.Limit, true, func(g *GoalView) GoalView { return *g }), nil
}

func listGoalsMarkdown(_ ListGoalsArgs, p Page[GoalView]) string {
	var m md
	m.line("## Goals: %d shown from offset %d (%d in all), each under its parent", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No goals: paperclip_create_goal makes one.")
	}
	for _, g := range p.Items {
		m.line("%s", goalLine(g))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_goals", "")
	return m.String()
}

// listGoalsTool declares paperclip_list_goals.
func listGoalsTool() Tool {
	return define(Spec{Name: "paperclip_list_goals", Title: "List goals", Toolset: Goals,
		Description: "A company's goals as a tree (each under its parent) with level, status and owner.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listGoals, listGoalsMarkdown)
}

// GoalArgs identify one goal.
type GoalArgs struct {
	GoalID string `json:"goalId" jsonschema:"format=uuid"`
	Format
}

func getGoal(ctx context.Context, d *Deps, a GoalArgs) (GoalView, error) {
	g, err := d.Client.GetGoal(ctx, a.GoalID)
	if err != nil {
		return GoalView{}, err
	}
	return goalView(g, 4000), nil
}

func goalMarkdown(title string, g GoalView) string {
	var m md
	m.line("## %s %s (`%s`)", title, g.Title, g.ID)
	m.line("- %s goal · %s%s%s · updated %s", g.Level, g.Status, wrapped(" · parent `", g.ParentID, "`"), wrapped(" · owner `", g.OwnerAgentID, "`"), shortTime(g.UpdatedAt))
	if g.Description != "" {
		m.blank()
		m.line("%s", g.Description)
	}
	m.blank()
	m.line("Next: paperclip_list_issues goalId=%s lists its issues.", g.ID)
	return m.String()
}

func getGoalMarkdown(_ GoalArgs, g GoalView) string { return goalMarkdown("Goal", g) }

// getGoalTool declares paperclip_get_goal.
func getGoalTool() Tool {
	return define(Spec{Name: "paperclip_get_goal", Title: "Get a goal", Toolset: Goals,
		Description: "One goal: title, level, status, parent, owner and description.",
		Access:      Read, NotFound: findGoal},
		getGoal, getGoalMarkdown)
}

// CreateGoalArgs are the arguments of paperclip_create_goal.
type CreateGoalArgs struct {
	CompanyArg
	Title       string `json:"title" jsonschema:"minLength=1,maxLength=500"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=20000"`
	Status      string `json:"status,omitempty" jsonschema:"enum=planned,enum=active,enum=achieved,enum=cancelled,default=planned"`
	Level       string `json:"level,omitempty" jsonschema:"enum=company,enum=team,enum=agent,enum=task,default=task"`
	ParentID    string `json:"parentId,omitempty" jsonschema:"format=uuid"`
}

func createGoal(ctx context.Context, d *Deps, a CreateGoalArgs) (GoalView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return GoalView{}, err
	}
	title := strings.TrimSpace(a.Title)
	if title == "" {
		return GoalView{}, inputErrorf("title is blank: give the goal a title.")
	}
	g, err := d.Client.CreateGoal(ctx, companyID, client.GoalFields{Title: &title, Description: nonEmpty(a.Description),
		Status: nonEmpty(a.Status), Level: nonEmpty(a.Level), ParentID: nonEmpty(a.ParentID)})
	if err != nil {
		return GoalView{}, err
	}
	return goalView(g, 4000), nil
}

func createGoalMarkdown(_ CreateGoalArgs, g GoalView) string { return goalMarkdown("Created goal", g) }

// createGoalTool declares paperclip_create_goal.
func createGoalTool() Tool {
	return define(Spec{Name: "paperclip_create_goal", Title: "Create a goal", Toolset: Goals,
		Description: "Create a company, team, agent or task goal, optionally under a parent goal. Then link issues or projects to it with goalId.",
		Access:      Write, NotFound: "Check companyId and parentId. " + findGoal},
		createGoal, createGoalMarkdown)
}

// UpdateGoalArgs are the arguments of paperclip_update_goal.
type UpdateGoalArgs struct {
	GoalID      string `json:"goalId" jsonschema:"format=uuid"`
	Title       string `json:"title,omitempty" jsonschema:"maxLength=500"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=20000"`
	Status      string `json:"status,omitempty" jsonschema:"enum=planned,enum=active,enum=achieved,enum=cancelled,description=achieved when done (there is no completed)"`
}

func updateGoal(ctx context.Context, d *Deps, a UpdateGoalArgs) (GoalView, error) {
	f := client.GoalFields{Description: nonEmpty(a.Description), Status: nonEmpty(a.Status)}
	if a.Title != "" {
		title := strings.TrimSpace(a.Title)
		if title == "" {
			return GoalView{}, inputErrorf("title is blank: give a title, or leave it out.")
		}
		f.Title = &title
	}
	if f == (client.GoalFields{}) {
		return GoalView{}, inputErrorf("Nothing to change: give at least one of title, description, status.")
	}
	g, err := d.Client.UpdateGoal(ctx, a.GoalID, f)
	if err != nil {
		return GoalView{}, err
	}
	return goalView(g, 4000), nil
}

func updateGoalMarkdown(_ UpdateGoalArgs, g GoalView) string { return goalMarkdown("Updated goal", g) }

// updateGoalTool declares paperclip_update_goal.
func updateGoalTool() Tool {
	return define(Spec{Name: "paperclip_update_goal", Title: "Update a goal", Toolset: Goals,
		Description: "Change a goal's title, description or status (planned, active, achieved, cancelled).",
		Access:      WriteIdempotent, NotFound: findGoal},
		updateGoal, updateGoalMarkdown)
}

func goalTools() []Tool {
	return []Tool{listGoalsTool(), getGoalTool(), createGoalTool(), updateGoalTool()}
}
