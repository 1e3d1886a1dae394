package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// defaultLabelColor is sent when no color is given: Paperclip requires one
// although the documented tool makes it optional.
const defaultLabelColor = "#6B7280"

// LabelView is one label.
type LabelView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	CreatedAt string `json:"createdAt"`
}

func labelView(l *client.Label) LabelView {
	return LabelView{ID: l.ID, Name: l.Name, Color: l.Color, CreatedAt: l.CreatedAt}
}

// CreateLabelArgs are the arguments of paperclip_create_label.
type CreateLabelArgs struct {
	Name  string `json:"name" jsonschema:"minLength=1,maxLength=48,description=Label name (unique in the company)"`
	Color string `json:"color,omitempty" jsonschema:"pattern=^#[0-9a-fA-F]{6}$,default=#6B7280,description=#RRGGBB"`
	CompanyArg
}

func createLabel(ctx context.Context, d *Deps, a CreateLabelArgs) (LabelView, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return LabelView{}, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return LabelView{}, inputErrorf("name is blank: give the label a name of 1 to 48 characters.")
	}
	color := a.Color
	if color == "" {
		color = defaultLabelColor
	}
	l, err := d.Client.CreateLabel(ctx, companyID, name, color)
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 500 {
		// Paperclip answers a duplicate name with 500: look for it.
		if all, lerr := d.Client.ListLabels(ctx, companyID); lerr == nil {
			for _, x := range all {
				if x.Name == name {
					return LabelView{}, inputErrorf("The company already has a label %q (`%s`, %s); names are unique, so nothing was created. Use its id as a labelId, or pick another name.", x.Name, x.ID, x.Color)
				}
			}
		}
	}
	if err != nil {
		return LabelView{}, err
	}
	return labelView(l), nil
}

func createLabelMarkdown(_ CreateLabelArgs, l LabelView) string {
	var m md
	m.line("## Created label %s (`%s`) · %s", l.Name, l.ID, l.Color)
	m.blank()
	m.line("Next: pass labelIds=[\"%s\"] to paperclip_create_issue or paperclip_update_issue.", l.ID)
	return m.String()
}

// createLabelTool declares paperclip_create_label.
func createLabelTool() Tool {
	return define(Spec{Name: "paperclip_create_label", Title: "Create a label", Toolset: Labels,
		Description: fmt.Sprintf("Create a company issue label; color defaults to %s. Then use its id in labelIds.", defaultLabelColor),
		Access:      Write, NotFound: "Check companyId. " + findCompany},
		createLabel, createLabelMarkdown)
}

// ListLabelsArgs are the arguments of paperclip_list_labels.
type ListLabelsArgs struct {
	CompanyArg
	Paging
	Format
}

func listLabels(ctx context.Context, d *Deps, a ListLabelsArgs) (Page[LabelView], error) {
	page := Page[LabelView]{Items: []LabelView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListLabels(ctx, companyID)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	return pageFrom(all, a.Offset, a.Limit, true, labelView), nil
}

func listLabelsMarkdown(_ ListLabelsArgs, p Page[LabelView]) string {
	var m md
	m.line("## Labels: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No labels yet: paperclip_create_label makes one.")
	}
	for _, l := range p.Items {
		m.line("- **%s** `%s` · %s", l.Name, l.ID, l.Color)
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_labels", "")
	if p.Count > 0 {
		m.line("Next: filter issues with paperclip_list_issues labelId=<id>, or set labelIds on an issue.")
	}
	return m.String()
}

// listLabelsTool declares paperclip_list_labels.
func listLabelsTool() Tool {
	return define(Spec{Name: "paperclip_list_labels", Title: "List labels", Toolset: Labels,
		Description: "A company's issue labels (id, name, color), by name. Use an id as labelId or in labelIds.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listLabels, listLabelsMarkdown)
}

func labelTools() []Tool {
	return []Tool{createLabelTool(), listLabelsTool()}
}
