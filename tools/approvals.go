package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const findApproval = "Find approval ids with paperclip_list_approvals."

// hiddenPayloadKeys are left out of every approval payload shown: a hire's
// adapter and runtime configuration may hold secrets (env, tokens).
var hiddenPayloadKeys = []string{"adapterConfig", "runtimeConfig", "requestedConfigurationSnapshot", "env"}

// ApprovalSummary is one approval in a list.
type ApprovalSummary struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Status             string `json:"status" jsonschema:"description=pending\\, revision_requested\\, approved\\, rejected or cancelled"`
	RequestedByAgentID string `json:"requestedByAgentId,omitempty"`
	RequestedByUserID  string `json:"requestedByUserId,omitempty"`
	DecisionNote       string `json:"decisionNote,omitempty"`
	Summary            string `json:"summary,omitempty" jsonschema:"description=The payload in brief"`
	CreatedAt          string `json:"createdAt"`
	UpdatedAt          string `json:"updatedAt"`
}

// ApprovalDetail is one approval with its payload.
type ApprovalDetail struct {
	ApprovalSummary
	CompanyID       string         `json:"companyId"`
	DecidedByUserID string         `json:"decidedByUserId,omitempty"`
	DecidedAt       string         `json:"decidedAt,omitempty"`
	Payload         map[string]any `json:"payload" jsonschema:"description=The payload without adapterConfig\\, runtimeConfig and env (they may hold secrets)"`
}

func approvalSummary(a *client.Approval) ApprovalSummary {
	return ApprovalSummary{ID: a.ID, Type: a.Type, Status: a.Status, RequestedByAgentID: str(a.RequestedByAgentID),
		RequestedByUserID: str(a.RequestedByUserID), DecisionNote: str(a.DecisionNote), Summary: payloadBrief(a.Type, shownPayload(a.Payload)),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func approvalDetail(a *client.Approval) ApprovalDetail {
	return ApprovalDetail{ApprovalSummary: approvalSummary(a), CompanyID: a.CompanyID, DecidedByUserID: str(a.DecidedByUserID),
		DecidedAt: str(a.DecidedAt), Payload: shownPayload(a.Payload)}
}

// shownPayload is the payload without the keys that may hold secrets.
func shownPayload(p map[string]any) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		out[k] = v
	}
	for _, k := range hiddenPayloadKeys {
		delete(out, k)
	}
	return out
}

// payloadBrief says in one short line what an approval asks for.
func payloadBrief(typ string, p map[string]any) string {
	s := func(k string) string { v, _ := p[k].(string); return strings.TrimSpace(v) }
	if typ == "hire_agent" && s("name") != "" {
		b := "hire " + s("name")
		if s("role") != "" {
			b += " (" + s("role") + ")"
		}
		if s("agentId") != "" {
			b += ", agent `" + s("agentId") + "`"
		}
		return b
	}
	for _, k := range []string{"title", "summary", "reason", "description"} {
		if s(k) != "" {
			return oneLine(s(k), 160)
		}
	}
	if len(p) == 0 {
		return ""
	}
	return oneLine(jsonText(p), 160)
}

func requester(a ApprovalSummary) string {
	switch {
	case a.RequestedByAgentID != "":
		return "agent `" + a.RequestedByAgentID + "`"
	case a.RequestedByUserID != "":
		return "user " + a.RequestedByUserID
	}
	return "-"
}

// approvalLines renders an approval: type, status, requester, decision
// note, the payload in brief.
func approvalLines(m *md, title string, a ApprovalDetail) {
	m.line("## %s `%s`: %s · %s", title, a.ID, a.Type, a.Status)
	m.line("- requested by %s · created %s", requester(a.ApprovalSummary), shortTime(a.CreatedAt))
	if a.DecisionNote != "" || a.DecidedAt != "" {
		m.line("- decision note: %s (by %s, %s)", orDash(oneLine(a.DecisionNote, 400)), orDash(a.DecidedByUserID), shortTime(a.DecidedAt))
	}
	if a.Summary != "" {
		m.line("- payload: %s", a.Summary)
	}
}

// approvalNext is the next call for an approval in its status.
func approvalNext(a ApprovalDetail) string {
	switch a.Status {
	case "pending":
		return fmt.Sprintf("Next: a board member decides with paperclip_approve, paperclip_reject or paperclip_request_revision approvalId=%s.", a.ID)
	case "revision_requested":
		return fmt.Sprintf("Next: address the decision note, then paperclip_resubmit_approval approvalId=%s (a board may also approve or reject it as is).", a.ID)
	}
	return fmt.Sprintf("Next: paperclip_list_approval_comments approvalId=%s shows the discussion.", a.ID)
}

// ApprovalArgs identify one approval.
type ApprovalArgs struct {
	ApprovalID string `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Format
}

func getApproval(ctx context.Context, d *Deps, a ApprovalArgs) (ApprovalDetail, error) {
	ap, err := d.Client.GetApproval(ctx, a.ApprovalID)
	if err != nil {
		return ApprovalDetail{}, err
	}
	return approvalDetail(ap), nil
}

func getApprovalMarkdown(_ ApprovalArgs, a ApprovalDetail) string {
	var m md
	approvalLines(&m, "Approval", a)
	m.blank()
	m.line("%s", approvalNext(a))
	return m.String()
}

// getApprovalTool declares paperclip_get_approval.
func getApprovalTool() Tool {
	return define(Spec{Name: "paperclip_get_approval", Title: "Get an approval", Toolset: Approvals,
		Description: "One approval: type, status, requester, decision note and payload (secrets left out).",
		Access:      Read, NotFound: findApproval},
		getApproval, getApprovalMarkdown)
}

// ListApprovalsArgs are the arguments of paperclip_list_approvals.
type ListApprovalsArgs struct {
	Status string `json:"status,omitempty" jsonschema:"enum=pending,enum=revision_requested,enum=approved,enum=rejected,enum=cancelled,description=One status; default all"`
	CompanyArg
	Paging
	Format
}

func listApprovals(ctx context.Context, d *Deps, a ListApprovalsArgs) (Page[ApprovalSummary], error) {
	page := Page[ApprovalSummary]{Items: []ApprovalSummary{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListApprovals(ctx, companyID, a.Status)
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	// The route has no order: newest first here, so that pages are stable.
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].CreatedAt != all[j].CreatedAt {
			return all[i].CreatedAt > all[j].CreatedAt
		}
		return all[i].ID < all[j].ID
	})
	return pageFrom(all, a.Offset, a.Limit, true, approvalSummary), nil
}

func listApprovalsMarkdown(a ListApprovalsArgs, p Page[ApprovalSummary]) string {
	var m md
	m.line("## Approvals%s: %d shown from offset %d (%d in all), newest first", prefixed(" ", a.Status), p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No approvals.")
	}
	for _, x := range p.Items {
		m.line("- `%s` · %s · %s · by %s · %s%s%s", x.ID, x.Type, x.Status, requester(x), shortTime(x.CreatedAt),
			prefixed(" · ", x.Summary), prefixed(" · note: ", oneLine(x.DecisionNote, 120)))
	}
	more := ""
	if a.Status != "" {
		more = ", status=" + a.Status
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_approvals", more)
	if p.Count > 0 {
		m.line("Next: paperclip_get_approval approvalId=<id> for one in full.")
	}
	return m.String()
}

// listApprovalsTool declares paperclip_list_approvals.
func listApprovalsTool() Tool {
	return define(Spec{Name: "paperclip_list_approvals", Title: "List approvals", Toolset: Approvals,
		Description: "A company's approvals, newest first, with exact total. Then paperclip_get_approval.",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listApprovals, listApprovalsMarkdown)
}

// CreateApprovalArgs are the arguments of paperclip_create_approval.
type CreateApprovalArgs struct {
	Type               string         `json:"type" jsonschema:"description=Approval type,enum=hire_agent,enum=approve_ceo_strategy,enum=budget_override_required,enum=request_board_approval"`
	Payload            map[string]any `json:"payload" jsonschema:"description=What is asked (e.g. title and summary)"`
	RequestedByAgentID string         `json:"requestedByAgentId,omitempty" jsonschema:"format=uuid,description=Default: the calling agent"`
	IssueIDs           []string       `json:"issueIds,omitempty" jsonschema:"format=uuid,description=Issues to link"`
	CompanyArg
}

func createApproval(ctx context.Context, d *Deps, a CreateApprovalArgs) (ApprovalDetail, error) {
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return ApprovalDetail{}, err
	}
	if a.Payload == nil {
		return ApprovalDetail{}, inputErrorf("payload is required: an object saying what is asked, e.g. {\"title\": \"…\", \"summary\": \"…\"}. Nothing was sent.")
	}
	ap, err := d.Client.CreateApproval(ctx, companyID, client.CreateApprovalRequest{Type: a.Type, Payload: a.Payload,
		RequestedByAgentID: a.RequestedByAgentID, IssueIDs: a.IssueIDs})
	if err != nil {
		return ApprovalDetail{}, err
	}
	return approvalDetail(ap), nil
}

func createApprovalMarkdown(_ CreateApprovalArgs, a ApprovalDetail) string {
	var m md
	approvalLines(&m, "Created approval", a)
	m.blank()
	m.line("%s", approvalNext(a))
	return m.String()
}

// createApprovalTool declares paperclip_create_approval.
func createApprovalTool() Tool {
	return define(Spec{Name: "paperclip_create_approval", Title: "Request a board approval", Toolset: Approvals,
		Description: "Ask the board to approve something; it starts pending. To hire an agent use paperclip_create_agent_hire.",
		Access:      Write, NotFound: "Check companyId. " + findCompany},
		createApproval, createApprovalMarkdown)
}

// decide runs a board decision and returns the approval.
func decide(ctx context.Context, id string, note *string, call func(context.Context, string, *string) (*client.Approval, error)) (ApprovalDetail, error) {
	ap, err := call(ctx, id, note)
	if err != nil {
		return ApprovalDetail{}, err
	}
	return approvalDetail(ap), nil
}

// ApproveArgs are the arguments of paperclip_approve.
type ApproveArgs struct {
	ApprovalID   string  `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	DecisionNote *string `json:"decisionNote,omitempty" jsonschema:"description=Note to the requester"`
}

func approve(ctx context.Context, d *Deps, a ApproveArgs) (ApprovalDetail, error) {
	// Paperclip marks a hire approved before it activates the agent; when the
	// activation fails (a redacted env value) the agent is stranded in
	// pending_approval. Such a hire is refused here before anything changes.
	cur, err := d.Client.GetApproval(ctx, a.ApprovalID)
	if err != nil {
		return ApprovalDetail{}, err
	}
	if agentID := strandedHire(cur); agentID != "" {
		return ApprovalDetail{}, inputErrorf("Not approved: this hire's adapterConfig holds a value Paperclip stored redacted (%s: a secret-looking value given in plain, e.g. in env), "+
			"so approving would mark it approved but fail to activate agent %s, leaving it stuck in pending_approval. Nothing changed. %s", redactedSentinel, agentID, rehire)
	}
	out, err := decide(ctx, a.ApprovalID, a.DecisionNote, d.Client.ApproveApproval)
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 422 && strings.Contains(apiErr.Message, "redacted placeholder") {
		return out, inputErrorf("Paperclip marked the approval approved but could not activate the hired agent (422 %s): it stays pending_approval and cannot be activated any other way. "+
			"Terminate it (paperclip_terminate_agent, board) and hire again with that env value as {\"type\":\"secret_ref\",\"secretId\":…} (a company secret) or without it.", apiErr.Message)
	}
	return out, err
}

// redactedSentinel is what Paperclip stores in place of a secret-looking
// value in a hire approval's payload; activating the agent refuses it.
const redactedSentinel = "***REDACTED***"

const rehire = "Reject it (paperclip_reject) and hire again with that env value as {\"type\":\"secret_ref\",\"secretId\":…} (a company secret) or without it."

// strandedHire is the agent id of an open hire approval whose adapter
// configuration holds a redacted value (approving it cannot activate the
// agent), or "".
func strandedHire(a *client.Approval) string {
	if a.Type != "hire_agent" || (a.Status != "pending" && a.Status != "revision_requested") {
		return ""
	}
	agentID, _ := a.Payload["agentId"].(string)
	if agentID == "" || !strings.Contains(jsonText(a.Payload["adapterConfig"]), redactedSentinel) {
		return ""
	}
	return agentID
}

func approveMarkdown(_ ApproveArgs, a ApprovalDetail) string {
	var m md
	approvalLines(&m, "Approved", a)
	if id, _ := a.Payload["agentId"].(string); a.Type == "hire_agent" && id != "" {
		m.line("- the hired agent `%s` is active now (idle).", id)
	}
	m.blank()
	if a.RequestedByAgentID != "" {
		m.line("Paperclip wakes the requesting agent `%s`.", a.RequestedByAgentID)
	}
	m.line("Next: paperclip_list_approvals status=pending shows what else waits.")
	return m.String()
}

// approveTool declares paperclip_approve.
func approveTool() Tool {
	return define(Spec{Name: "paperclip_approve", Title: "Approve", Toolset: Approvals, BoardOnly: true,
		Description: "Board only. Approve a pending or revision_requested approval; a hire's agent becomes active.",
		Access:      WriteIdempotent, NotFound: findApproval},
		approve, approveMarkdown)
}

// RejectArgs are the arguments of paperclip_reject.
type RejectArgs struct {
	ApprovalID string  `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Reason     *string `json:"reason,omitempty" jsonschema:"description=Why; stored as its decision note"`
}

func reject(ctx context.Context, d *Deps, a RejectArgs) (ApprovalDetail, error) {
	return decide(ctx, a.ApprovalID, a.Reason, d.Client.RejectApproval)
}

func rejectMarkdown(_ RejectArgs, a ApprovalDetail) string {
	var m md
	approvalLines(&m, "Rejected", a)
	if id, _ := a.Payload["agentId"].(string); a.Type == "hire_agent" && id != "" {
		m.line("- the pending agent `%s` is terminated.", id)
	}
	m.blank()
	m.line("Next: paperclip_list_approvals status=pending shows what else waits.")
	return m.String()
}

// rejectTool declares paperclip_reject.
func rejectTool() Tool {
	return define(Spec{Name: "paperclip_reject", Title: "Reject", Toolset: Approvals, BoardOnly: true,
		Description: "Board only. Reject an approval for good (rejecting a hire terminates its agent); cannot be undone.",
		Access:      DestructiveIdempotent, NotFound: findApproval},
		reject, rejectMarkdown)
}

// RequestRevisionArgs are the arguments of paperclip_request_revision.
type RequestRevisionArgs struct {
	ApprovalID string  `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Feedback   *string `json:"feedback,omitempty" jsonschema:"description=What to change; stored as its decision note"`
}

func requestRevision(ctx context.Context, d *Deps, a RequestRevisionArgs) (ApprovalDetail, error) {
	return decide(ctx, a.ApprovalID, a.Feedback, d.Client.RequestApprovalRevision)
}

func requestRevisionMarkdown(_ RequestRevisionArgs, a ApprovalDetail) string {
	var m md
	approvalLines(&m, "Revision requested", a)
	m.blank()
	m.line("Next: the requester revises and calls paperclip_resubmit_approval approvalId=%s.", a.ID)
	return m.String()
}

// requestRevisionTool declares paperclip_request_revision.
func requestRevisionTool() Tool {
	return define(Spec{Name: "paperclip_request_revision", Title: "Request a revision", Toolset: Approvals, BoardOnly: true,
		Description: "Board only. Send a pending approval back to its requester (status revision_requested).",
		Access:      Write, NotFound: findApproval},
		requestRevision, requestRevisionMarkdown)
}

// ResubmitArgs are the arguments of paperclip_resubmit_approval.
type ResubmitArgs struct {
	ApprovalID string         `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Comment    string         `json:"comment,omitempty" jsonschema:"description=Posted as an approval comment first"`
	Payload    map[string]any `json:"payload,omitempty" jsonschema:"description=New payload; default keeps it"`
}

// ResubmitResult is the resubmitted approval and the comment posted first.
type ResubmitResult struct {
	Approval ApprovalDetail       `json:"approval"`
	Comment  *ApprovalCommentView `json:"comment,omitempty"`
	Message  string               `json:"message"`
}

func resubmit(ctx context.Context, d *Deps, a ResubmitArgs) (ResubmitResult, error) {
	comment := strings.TrimSpace(a.Comment)
	if a.Comment != "" && comment == "" {
		return ResubmitResult{}, inputErrorf("comment is blank: leave it out, or say what changed. Nothing was sent.")
	}
	// The route has no comment field: the comment goes through the comments
	// route first, so check the state before posting it.
	cur, err := d.Client.GetApproval(ctx, a.ApprovalID)
	if err != nil {
		return ResubmitResult{}, err
	}
	if cur.Status != "revision_requested" {
		return ResubmitResult{}, inputErrorf("Approval %s is %s: only a revision_requested approval can be resubmitted, so nothing was posted or changed. %s",
			cur.ID, cur.Status, approvalNext(approvalDetail(cur)))
	}
	out := ResubmitResult{}
	if comment != "" {
		c, err := d.Client.AddApprovalComment(ctx, a.ApprovalID, comment)
		if err != nil {
			return out, err
		}
		v := approvalCommentView(c)
		out.Comment = &v
	}
	ap, err := d.Client.ResubmitApproval(ctx, a.ApprovalID, a.Payload)
	if err != nil {
		if out.Comment != nil {
			return out, inputErrorf("The comment was posted (`%s`), but the resubmit failed: %s", out.Comment.ID,
				explain(err, Spec{Name: "paperclip_resubmit_approval", NotFound: findApproval}))
		}
		return out, err
	}
	out.Approval = approvalDetail(ap)
	out.Message = "Resubmitted: pending again."
	if out.Comment != nil {
		out.Message = fmt.Sprintf("Resubmitted: pending again. Paperclip's resubmit takes no comment, so the comment was posted first as approval comment %s.", out.Comment.ID)
	}
	return out, nil
}

func resubmitMarkdown(_ ResubmitArgs, r ResubmitResult) string {
	var m md
	approvalLines(&m, "Resubmitted", r.Approval)
	m.line("%s", r.Message)
	m.blank()
	m.line("%s", approvalNext(r.Approval))
	return m.String()
}

// resubmitTool declares paperclip_resubmit_approval.
func resubmitTool() Tool {
	return define(Spec{Name: "paperclip_resubmit_approval", Title: "Resubmit an approval", Toolset: Approvals,
		Description: "Put a revision_requested approval back to pending, after the changes asked for. An agent may resubmit only its own.",
		Access:      Write, NotFound: findApproval},
		resubmit, resubmitMarkdown)
}

// ApprovalCommentView is one comment on an approval.
type ApprovalCommentView struct {
	ID            string `json:"id"`
	AuthorAgentID string `json:"authorAgentId,omitempty"`
	AuthorUserID  string `json:"authorUserId,omitempty"`
	Body          string `json:"body"`
	CreatedAt     string `json:"createdAt"`
}

func approvalCommentView(c *client.ApprovalComment) ApprovalCommentView {
	return ApprovalCommentView{ID: c.ID, AuthorAgentID: str(c.AuthorAgentID), AuthorUserID: str(c.AuthorUserID), Body: c.Body, CreatedAt: c.CreatedAt}
}

func commentAuthor(c ApprovalCommentView) string {
	return requester(ApprovalSummary{RequestedByAgentID: c.AuthorAgentID, RequestedByUserID: c.AuthorUserID})
}

// AddApprovalCommentArgs are the arguments of paperclip_add_approval_comment.
type AddApprovalCommentArgs struct {
	ApprovalID string `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Body       string `json:"body" jsonschema:"minLength=1,description=Markdown"`
}

func addApprovalComment(ctx context.Context, d *Deps, a AddApprovalCommentArgs) (ApprovalCommentView, error) {
	if strings.TrimSpace(a.Body) == "" {
		return ApprovalCommentView{}, inputErrorf("body is blank: write the comment. Nothing was sent.")
	}
	c, err := d.Client.AddApprovalComment(ctx, a.ApprovalID, a.Body)
	if err != nil {
		return ApprovalCommentView{}, err
	}
	return approvalCommentView(c), nil
}

func addApprovalCommentMarkdown(a AddApprovalCommentArgs, c ApprovalCommentView) string {
	var m md
	m.line("## Commented on approval `%s` (comment `%s`)", a.ApprovalID, c.ID)
	m.blank()
	m.line("Next: paperclip_list_approval_comments approvalId=%s shows the thread.", a.ApprovalID)
	return m.String()
}

// addApprovalCommentTool declares paperclip_add_approval_comment.
func addApprovalCommentTool() Tool {
	return define(Spec{Name: "paperclip_add_approval_comment", Title: "Comment on an approval", Toolset: Approvals,
		Description: "Add a comment to an approval's discussion (questions, answers, context for the board).",
		Access:      Write, NotFound: findApproval},
		addApprovalComment, addApprovalCommentMarkdown)
}

// ApprovalListArgs identify an approval and a page of its comments or issues.
type ApprovalListArgs struct {
	ApprovalID string `json:"approvalId" jsonschema:"format=uuid,description=Approval id"`
	Paging
	Format
}

func listApprovalComments(ctx context.Context, d *Deps, a ApprovalListArgs) (Page[ApprovalCommentView], error) {
	all, err := d.Client.ListApprovalComments(ctx, a.ApprovalID)
	if err != nil {
		return Page[ApprovalCommentView]{Items: []ApprovalCommentView{}}, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, approvalCommentView), nil
}

func listApprovalCommentsMarkdown(a ApprovalListArgs, p Page[ApprovalCommentView]) string {
	var m md
	m.line("## Comments on approval `%s`: %d shown from offset %d (%d in all), oldest first", a.ApprovalID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No comments.")
	}
	for _, c := range p.Items {
		m.line("- %s · %s · `%s`: %s", shortTime(c.CreatedAt), commentAuthor(c), c.ID, oneLine(c.Body, 1000))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_approval_comments", ", approvalId="+a.ApprovalID)
	m.line("Next: paperclip_add_approval_comment approvalId=%s to answer.", a.ApprovalID)
	return m.String()
}

// listApprovalCommentsTool declares paperclip_list_approval_comments.
func listApprovalCommentsTool() Tool {
	return define(Spec{Name: "paperclip_list_approval_comments", Title: "List approval comments", Toolset: Approvals,
		Description: "An approval's comments, oldest first, with exact total. Answer with paperclip_add_approval_comment.",
		Access:      Read, NotFound: findApproval},
		listApprovalComments, listApprovalCommentsMarkdown)
}

// ApprovalIssueView is one issue linked to an approval.
type ApprovalIssueView struct {
	ID              string `json:"id"`
	Identifier      string `json:"identifier,omitempty"`
	Title           string `json:"title"`
	Status          string `json:"status"`
	Priority        string `json:"priority"`
	AssigneeAgentID string `json:"assigneeAgentId,omitempty"`
}

func approvalIssueView(i *client.ApprovalIssue) ApprovalIssueView {
	return ApprovalIssueView{ID: i.ID, Identifier: str(i.Identifier), Title: i.Title, Status: i.Status, Priority: i.Priority,
		AssigneeAgentID: str(i.AssigneeAgentID)}
}

func listApprovalIssues(ctx context.Context, d *Deps, a ApprovalListArgs) (Page[ApprovalIssueView], error) {
	all, err := d.Client.ListApprovalIssues(ctx, a.ApprovalID)
	if err != nil {
		return Page[ApprovalIssueView]{Items: []ApprovalIssueView{}}, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, approvalIssueView), nil
}

func listApprovalIssuesMarkdown(a ApprovalListArgs, p Page[ApprovalIssueView]) string {
	var m md
	m.line("## Issues linked to approval `%s`: %d shown from offset %d (%d in all)", a.ApprovalID, p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No linked issues.")
	}
	for _, i := range p.Items {
		m.line("- %s `%s` · %s · %s · %s%s", orDash(i.Identifier), i.ID, i.Status, i.Priority, oneLine(i.Title, 120),
			prefixed(" · assignee `", i.AssigneeAgentID)+closeTick(i.AssigneeAgentID))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_approval_issues", ", approvalId="+a.ApprovalID)
	if p.Count > 0 {
		m.line("Next: paperclip_get_issue issueId=<id> for one in full.")
	}
	return m.String()
}

func closeTick(s string) string {
	if s == "" {
		return ""
	}
	return "`"
}

// listApprovalIssuesTool declares paperclip_list_approval_issues.
func listApprovalIssuesTool() Tool {
	return define(Spec{Name: "paperclip_list_approval_issues", Title: "List an approval's issues", Toolset: Approvals,
		Description: "The issues linked to an approval, with exact total. Then paperclip_get_issue.",
		Access:      Read, NotFound: findApproval},
		listApprovalIssues, listApprovalIssuesMarkdown)
}

// CreateAgentHireArgs are the arguments of paperclip_create_agent_hire.
type CreateAgentHireArgs struct {
	Name          string         `json:"name" jsonschema:"minLength=1,description=Agent name"`
	Role          string         `json:"role" jsonschema:"description=Agent role,enum=ceo,enum=cto,enum=cmo,enum=cfo,enum=security,enum=engineer,enum=designer,enum=pm,enum=qa,enum=devops,enum=researcher,enum=general"`
	Title         string         `json:"title,omitempty" jsonschema:"description=Job title"`
	Capabilities  string         `json:"capabilities,omitempty" jsonschema:"description=What it can do"`
	ReportsTo     string         `json:"reportsTo,omitempty" jsonschema:"format=uuid,description=Manager agent id"`
	AdapterType   string         `json:"adapterType,omitempty" jsonschema:"default=process,description=How it runs (e.g. process or claude_local)"`
	AdapterConfig map[string]any `json:"adapterConfig,omitempty" jsonschema:"description=Adapter settings (e.g. command); secret env values as secret_ref"`
	SourceIssueID string         `json:"sourceIssueId,omitempty" jsonschema:"format=uuid,description=Issue that asks for the hire"`
	GoalID        string         `json:"goalId,omitempty" jsonschema:"description=Unsupported upstream: refused"`
	ProjectID     string         `json:"projectId,omitempty" jsonschema:"description=Unsupported upstream: refused"`
	CompanyArg
}

// AgentHireResult is the hired agent and, when the company requires board
// approval for new agents, its pending hire approval.
type AgentHireResult struct {
	Agent    AgentSummary    `json:"agent"`
	Approval *ApprovalDetail `json:"approval,omitempty" jsonschema:"description=Absent when no board approval is needed"`
	Message  string          `json:"message"`
}

func createAgentHire(ctx context.Context, d *Deps, a CreateAgentHireArgs) (AgentHireResult, error) {
	for _, f := range []struct{ name, value string }{{"goalId", a.GoalID}, {"projectId", a.ProjectID}} {
		if f.value != "" {
			return AgentHireResult{}, inputErrorf("%s is not supported: Paperclip's hire route has no %s and would drop it silently, so nothing was sent. "+
				"Hire without it, then give the agent work there: paperclip_create_issue with assigneeAgentId=<the new agent> and %s=%s.", f.name, f.name, f.name, f.value)
		}
	}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return AgentHireResult{}, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return AgentHireResult{}, inputErrorf("name is blank: give the agent a name. Nothing was sent.")
	}
	h, err := d.Client.CreateAgentHire(ctx, companyID, client.AgentHireRequest{Name: name, Role: a.Role, Title: a.Title,
		Capabilities: a.Capabilities, ReportsTo: a.ReportsTo, AdapterType: a.AdapterType, AdapterConfig: a.AdapterConfig, SourceIssueID: a.SourceIssueID})
	if err != nil {
		return AgentHireResult{}, err
	}
	out := AgentHireResult{Agent: agentSummary(&h.Agent)}
	if h.Approval == nil {
		out.Message = fmt.Sprintf("Hired directly: the company needs no board approval for new agents, so %s is %s with no approval.", out.Agent.Name, out.Agent.Status)
	} else {
		ap := approvalDetail(h.Approval)
		out.Approval = &ap
		out.Message = fmt.Sprintf("Pending board approval: %s stays %s until a board member approves approval %s.", out.Agent.Name, out.Agent.Status, ap.ID)
		if strandedHire(h.Approval) != "" {
			out.Message += " Warning: Paperclip stored a secret-looking env value of adapterConfig redacted in the approval, so it cannot be approved. " + rehire
		}
	}
	if h.Idempotent {
		out.Message += " (This run had already made this hire: Paperclip returned it again.)"
	}
	return out, nil
}

func createAgentHireMarkdown(_ CreateAgentHireArgs, r AgentHireResult) string {
	var m md
	m.line("## Hired %s (`%s`): %s", r.Agent.Name, r.Agent.ID, r.Agent.Status)
	m.line("%s", agentLine(r.Agent))
	m.line("%s", r.Message)
	m.blank()
	if r.Approval != nil {
		m.line("Next: paperclip_approve approvalId=%s (board) activates the agent; paperclip_get_approval follows it.", r.Approval.ID)
	} else {
		m.line("Next: assign it work with paperclip_create_issue assigneeAgentId=%s.", r.Agent.ID)
	}
	return m.String()
}

// createAgentHireTool declares paperclip_create_agent_hire.
func createAgentHireTool() Tool {
	return define(Spec{Name: "paperclip_create_agent_hire", Title: "Hire an agent", Toolset: Approvals,
		Description: "Hire an agent. Where the company requires board approval it stays pending_approval with a hire_agent approval; else it is hired directly.",
		Access:      Write, NotFound: "Check companyId and reportsTo. " + findCompany},
		createAgentHire, createAgentHireMarkdown)
}

func approvalTools() []Tool {
	return []Tool{addApprovalCommentTool(), approveTool(), createAgentHireTool(), createApprovalTool(), getApprovalTool(),
		listApprovalCommentsTool(), listApprovalIssuesTool(), listApprovalsTool(), rejectTool(), requestRevisionTool(), resubmitTool()}
}
