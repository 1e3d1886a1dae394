package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findCompany = "A board key lists companies with paperclip_list_companies; an agent's own company is PAPERCLIP_COMPANY_ID."

// CompanySummary is one company.
type CompanySummary struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Status             string `json:"status"`
	IssuePrefix        string `json:"issuePrefix,omitempty"`
	Description        string `json:"description,omitempty"`
	BudgetMonthlyCents int64  `json:"budgetMonthlyCents"`
	SpentMonthlyCents  int64  `json:"spentMonthlyCents"`
	CreatedAt          string `json:"createdAt"`
}

func companySummary(c *client.Company) CompanySummary {
	return CompanySummary{ID: c.ID, Name: c.Name, Status: c.Status, IssuePrefix: c.IssuePrefix, Description: clip(str(c.Description), 300),
		BudgetMonthlyCents: c.BudgetMonthlyCents, SpentMonthlyCents: c.SpentMonthlyCents, CreatedAt: c.CreatedAt}
}

func companyLine(c CompanySummary) string {
	s := fmt.Sprintf("- **%s** `%s` · %s", c.Name, c.ID, orDash(c.Status))
	if c.IssuePrefix != "" {
		s += " · issues " + c.IssuePrefix + "-…"
	}
	if c.BudgetMonthlyCents > 0 {
		s += fmt.Sprintf(" · spent %d of %d cents this month", c.SpentMonthlyCents, c.BudgetMonthlyCents)
	}
	return s
}

// ListCompaniesArgs are the arguments of paperclip_list_companies.
type ListCompaniesArgs struct {
	Limit  int `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=50,description=Page size"`
	Offset int `json:"offset,omitempty" jsonschema:"minimum=0,default=0,description=How many companies to skip"`
	Format
}

func listCompanies(ctx context.Context, d *Deps, a ListCompaniesArgs) (Page[CompanySummary], error) {
	all, err := d.Client.ListCompanies(ctx)
	if err != nil {
		return Page[CompanySummary]{Items: []CompanySummary{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, companySummary), nil
}

func listCompaniesMarkdown(_ ListCompaniesArgs, p Page[CompanySummary]) string {
	var m md
	m.line("## Companies: %d shown from offset %d (%d in all)", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No companies.")
	}
	for _, c := range p.Items {
		m.line("%s", companyLine(c))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_companies", "")
	m.line("Next: pass a company's id as companyId, or set PAPERCLIP_COMPANY_ID in the host's config to make it the default.")
	return m.String()
}

// listCompaniesTool declares paperclip_list_companies.
func listCompaniesTool() Tool {
	return define(Spec{Name: "paperclip_list_companies", Title: "List companies", Toolset: Companies, BoardOnly: true,
		Description: "The companies this Paperclip instance runs, with status, issue prefix and monthly budget, as {items,total,count,offset,limit,has_more,next_offset}. " +
			"Use it to find the companyId other tools take (or to set PAPERCLIP_COMPANY_ID). Agent keys cannot list companies: their company is PAPERCLIP_COMPANY_ID.",
		Access: Read},
		listCompanies, listCompaniesMarkdown)
}

// GetCompanyArgs identify one company.
type GetCompanyArgs struct {
	CompanyID string `json:"companyId,omitempty" jsonschema:"format=uuid,description=Company id; defaults to PAPERCLIP_COMPANY_ID"`
	Format
}

func getCompany(ctx context.Context, d *Deps, a GetCompanyArgs) (CompanySummary, error) {
	id, err := d.company(a.CompanyID)
	if err != nil {
		return CompanySummary{}, err
	}
	c, err := d.Client.GetCompany(ctx, id)
	if err != nil {
		return CompanySummary{}, err
	}
	return companySummary(c), nil
}

func getCompanyMarkdown(_ GetCompanyArgs, c CompanySummary) string {
	var m md
	m.line("## Company %s (`%s`): %s", c.Name, c.ID, orDash(c.Status))
	if c.Description != "" {
		m.line("- %s", oneLine(c.Description, 300))
	}
	m.line("- created %s · budget %d cents a month, %d spent", shortTime(c.CreatedAt), c.BudgetMonthlyCents, c.SpentMonthlyCents)
	m.blank()
	m.line("Next: paperclip_list_agents companyId=%s lists its agents; paperclip_list_heartbeat_runs companyId=%s its runs.", c.ID, c.ID)
	return m.String()
}

// getCompanyTool declares paperclip_get_company.
func getCompanyTool() Tool {
	return define(Spec{Name: "paperclip_get_company", Title: "Get a company", Toolset: Companies,
		Description: "One company: name, status, description, monthly budget and spend. An agent key reads only its own company.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		getCompany, getCompanyMarkdown)
}

// checkCompany is asked when a company list came back empty: Paperclip
// answers an empty list, not 404, for a well-formed id of no company, so
// "0 runs" could hide a wrong id. It returns the error to give instead, or
// nil when the company exists (or the key may not read it).
func (d *Deps) checkCompany(ctx context.Context, companyID string) error {
	_, err := d.Client.GetCompany(ctx, companyID)
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 404 && apiErr.Message != "API route not found" {
		return inputErrorf("No company has id %s (404 %s), so there is nothing to list. Check companyId (or PAPERCLIP_COMPANY_ID). %s", companyID, apiErr.Message, findCompany)
	}
	return nil
}

// CreateCompanyArgs are the arguments of paperclip_create_company.
type CreateCompanyArgs struct {
	Name               string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Description        string `json:"description,omitempty" jsonschema:"maxLength=5000"`
	BudgetMonthlyCents *int64 `json:"budgetMonthlyCents,omitempty" jsonschema:"minimum=0,description=0 (default) is no budget"`
}

func createCompany(ctx context.Context, d *Deps, a CreateCompanyArgs) (CompanySummary, error) {
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return CompanySummary{}, inputErrorf("name is blank: give the company a name.")
	}
	c, err := d.Client.CreateCompany(ctx, client.CompanyFields{Name: &name, Description: nonEmpty(a.Description), BudgetMonthlyCents: a.BudgetMonthlyCents})
	if err != nil {
		return CompanySummary{}, err
	}
	return companySummary(c), nil
}

func createCompanyMarkdown(_ CreateCompanyArgs, c CompanySummary) string {
	return companyMarkdown("Created company", c)
}

// createCompanyTool declares paperclip_create_company.
func createCompanyTool() Tool {
	return define(Spec{Name: "paperclip_create_company", Title: "Create a company", Toolset: CompanyAdmin, BoardOnly: true,
		Description: "Board only, and the board user must be an instance admin. Create a company; then hire its agents (paperclip_create_agent).",
		Access:      Write},
		createCompany, createCompanyMarkdown)
}

// UpdateCompanyArgs are the arguments of paperclip_update_company.
type UpdateCompanyArgs struct {
	CompanyArg
	Name               string `json:"name,omitempty" jsonschema:"maxLength=200"`
	Description        string `json:"description,omitempty" jsonschema:"maxLength=5000"`
	BudgetMonthlyCents *int64 `json:"budgetMonthlyCents,omitempty" jsonschema:"minimum=0,description=Board only"`
	Status             string `json:"status,omitempty" jsonschema:"enum=active,enum=paused,enum=archived,description=Board only; active restores an archived company"`
}

func updateCompany(ctx context.Context, d *Deps, a UpdateCompanyArgs) (CompanySummary, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return CompanySummary{}, err
	}
	f := client.CompanyFields{Description: nonEmpty(a.Description), BudgetMonthlyCents: a.BudgetMonthlyCents, Status: nonEmpty(a.Status)}
	if a.Name != "" {
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return CompanySummary{}, inputErrorf("name is blank: give a name, or leave it out.")
		}
		f.Name = &name
	}
	if f == (client.CompanyFields{}) {
		return CompanySummary{}, inputErrorf("Nothing to change: give at least one of name, description, budgetMonthlyCents, status.")
	}
	c, err := d.Client.UpdateCompany(ctx, companyID, f)
	if err != nil {
		return CompanySummary{}, err
	}
	return companySummary(c), nil
}

func updateCompanyMarkdown(_ UpdateCompanyArgs, c CompanySummary) string {
	return companyMarkdown("Updated company", c)
}

// updateCompanyTool declares paperclip_update_company.
func updateCompanyTool() Tool {
	return define(Spec{Name: "paperclip_update_company", Title: "Update a company", Toolset: CompanyAdmin,
		Description: "Change a company's name, description, monthly budget or status. The board may change all; the company's CEO agent only name and description.",
		Access:      WriteIdempotent, NotFound: "Check companyId. " + findCompany},
		updateCompany, updateCompanyMarkdown)
}

func archiveCompany(ctx context.Context, d *Deps, a CompanyArg) (CompanySummary, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return CompanySummary{}, err
	}
	c, err := d.Client.ArchiveCompany(ctx, companyID)
	if err != nil {
		return CompanySummary{}, err
	}
	return companySummary(c), nil
}

func archiveCompanyMarkdown(_ CompanyArg, c CompanySummary) string {
	return companyMarkdown("Archived company", c) + "Its agents are paused (reason company_archived) and no longer run. To restore it: paperclip_update_company status=active.\n"
}

// archiveCompanyTool declares paperclip_archive_company.
func archiveCompanyTool() Tool {
	return define(Spec{Name: "paperclip_archive_company", Title: "Archive a company", Toolset: CompanyAdmin, BoardOnly: true,
		Description: "Board only. Archive a company: all its agents are paused and stop running. Restore with paperclip_update_company status=active.",
		Access:      DestructiveIdempotent, NotFound: "Check companyId. " + findCompany},
		archiveCompany, archiveCompanyMarkdown)
}

func companyMarkdown(title string, c CompanySummary) string {
	var m md
	m.line("## %s %s (`%s`): %s", title, c.Name, c.ID, orDash(c.Status))
	if c.Description != "" {
		m.line("- %s", oneLine(c.Description, 300))
	}
	m.line("- issue prefix %s · budget %s a month, %s spent", orDash(c.IssuePrefix), dollars(c.BudgetMonthlyCents), dollars(c.SpentMonthlyCents))
	return m.String()
}

func companyTools() []Tool {
	return []Tool{listCompaniesTool(), getCompanyTool(), createCompanyTool(), updateCompanyTool(), archiveCompanyTool()}
}
