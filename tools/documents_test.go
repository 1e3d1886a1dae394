package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const (
	docIssue     = "ABC-12"
	docIssueUUID = "22222222-3333-4444-8555-666666666666"
	docRev1      = "aaaaaaaa-0000-4000-8000-000000000001"
	docRev2      = "aaaaaaaa-0000-4000-8000-000000000002"
	docRev3      = "aaaaaaaa-0000-4000-8000-000000000003"
)

// doc is a document as Paperclip answers it.
func docJSON(key, title, body, revID string, revNo int) map[string]any {
	var t any
	if title != "" {
		t = title
	}
	return map[string]any{"id": "dddddddd-0000-4000-8000-000000000001", "companyId": testCompany, "issueId": docIssueUUID, "key": key,
		"title": t, "format": "markdown", "body": body, "latestRevisionId": revID, "latestRevisionNumber": revNo,
		"createdByUserId": "local-board", "updatedByUserId": "local-board", "lockedAt": nil,
		"createdAt": "2026-12-02T16:28:47.329Z", "updatedAt": "2026-12-02T16:28:51.650Z"}
}

func docErr(msg string) map[string]any { return map[string]any{"error": msg} }

func TestUpsertDocumentCreatesAlwaysSendingFormat(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/documents/{key}", 404, docErr("Document not found"))
	s.handle("PUT /api/issues/{issueId}/documents/{key}", func(w http.ResponseWriter, _ *http.Request, body []byte) {
		var in map[string]any
		require.NoError(t, json.Unmarshal(body, &in))
		writeJSON(w, 201, docJSON("plan", "The plan", in["body"].(string), docRev1, 1))
	})
	d := s.deps(client.Config{})
	var r UpsertDocumentResult
	md := callOK(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "Plan", "title": "The plan", "body": "# Plan\nstep 1"}, &r)

	reqs := s.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET /api/issues/ABC-12/documents/plan", reqs[0].Method+" "+reqs[0].Path, "the key is lower-cased before it is sent")
	assert.Equal(t, "PUT /api/issues/ABC-12/documents/plan", reqs[1].Method+" "+reqs[1].Path)
	assert.JSONEq(t, `{"format":"markdown","title":"The plan","body":"# Plan\nstep 1"}`, string(reqs[1].Body),
		"format is always sent (Paperclip requires it); no baseRevisionId on a create")

	assert.True(t, r.Created)
	assert.Equal(t, 201, r.Status)
	assert.Equal(t, "plan", r.Key)
	assert.Equal(t, docRev1, r.RevisionID)
	assert.Equal(t, 1, r.RevisionNumber)
	assert.Empty(t, r.BaseRevisionID)
	assert.Contains(t, strings.Join(r.Notes, " "), `Key "Plan" was lower-cased to "plan"`)
	assert.Contains(t, md, "## Created document plan of issue ABC-12 (201)")
	assert.Contains(t, md, "Next: paperclip_get_document")
}

func TestUpsertDocumentUpdatesWithTheCurrentRevision(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/documents/{key}", 200, docJSON("plan", "Kept title", "old", docRev1, 1))
	s.handle("PUT /api/issues/{issueId}/documents/{key}", func(w http.ResponseWriter, _ *http.Request, body []byte) {
		out := docJSON("plan", "Kept title", "new body", docRev2, 2)
		out["latestBody"] = "old" // Paperclip's update answer carries the stale body too
		writeJSON(w, 200, out)
	})
	d := s.deps(client.Config{})
	var r UpsertDocumentResult
	md := callOK(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "new body"}, &r)

	reqs := s.requests()
	require.Len(t, reqs, 2)
	assert.JSONEq(t, fmt.Sprintf(`{"format":"markdown","title":"Kept title","body":"new body","baseRevisionId":%q}`, docRev1), string(reqs[1].Body),
		"without baseRevisionId the current revision is sent (Paperclip answers 409 otherwise), and the title is kept (Paperclip clears a title not sent)")
	assert.False(t, r.Created)
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, docRev2, r.RevisionID)
	assert.Equal(t, 2, r.RevisionNumber)
	assert.Equal(t, docRev1, r.BaseRevisionID)
	assert.Equal(t, len("new body"), r.BodyChars, "the size is the new body's, not the stale latestBody's")
	joined := strings.Join(r.Notes, " ")
	assert.Contains(t, joined, "Title kept")
	assert.Contains(t, joined, "replaced the current revision "+docRev1)
	assert.Contains(t, md, "## Updated document plan of issue ABC-12 (200)")
	assert.Contains(t, md, "revision 2 `"+docRev2+"`")
}

func TestUpsertDocumentWithBaseAndTitleSendsThemAsGiven(t *testing.T) {
	s := newStub(t)
	s.reply("PUT /api/issues/{issueId}/documents/{key}", 200, docJSON("plan", "", "b", docRev2, 2))
	d := s.deps(client.Config{})
	var r UpsertDocumentResult
	callOK(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssueUUID, "key": "plan", "title": "", "body": "b", "baseRevisionId": docRev1, "format": "markdown"}, &r)
	reqs := s.requests()
	require.Len(t, reqs, 1, "nothing to read first when base and title are given")
	assert.JSONEq(t, fmt.Sprintf(`{"format":"markdown","title":null,"body":"b","baseRevisionId":%q}`, docRev1), string(reqs[0].Body), "an empty title clears it")
	assert.Equal(t, docRev1, r.BaseRevisionID)
}

func TestUpsertDocumentConflictsSayWhatToDo(t *testing.T) {
	cases := []struct {
		name   string
		args   map[string]any
		answer map[string]any
		want   []string
	}{
		{"stale base", map[string]any{"baseRevisionId": docRev1, "title": "T"},
			map[string]any{"error": "Document was updated by someone else", "details": map[string]any{"currentRevisionId": docRev3}},
			[]string{"Not saved", "baseRevisionId " + docRev1 + " is not the current revision", "the current one is " + docRev3, "paperclip_get_document", "baseRevisionId=" + docRev3, "leave baseRevisionId out"}},
		{"base on a new key", map[string]any{"baseRevisionId": docRev1, "title": "T"},
			map[string]any{"error": "Document does not exist yet", "details": map[string]any{"key": "plan"}},
			[]string{"Not saved", "has no document plan yet", "409 Document does not exist yet", "Leave baseRevisionId out to create it"}},
		{"locked", map[string]any{"baseRevisionId": docRev1, "title": "T"},
			map[string]any{"error": "Document is locked"},
			[]string{"locked", "unlock"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStub(t)
			s.reply("PUT /api/issues/{issueId}/documents/{key}", 409, c.answer)
			d := s.deps(client.Config{})
			args := map[string]any{"issueId": docIssue, "key": "plan", "body": "x"}
			for k, v := range c.args {
				args[k] = v
			}
			msg := callErr(t, d, "paperclip_upsert_document", args)
			for _, w := range c.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

func TestUpsertDocumentRaceWhileFillingTheBase(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/documents/{key}", 200, docJSON("plan", "T", "old", docRev1, 1))
	s.reply("PUT /api/issues/{issueId}/documents/{key}", 409, map[string]any{"error": "Document was updated by someone else", "details": map[string]any{"currentRevisionId": docRev2}})
	d := s.deps(client.Config{})
	msg := callErr(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "x"})
	assert.Contains(t, msg, "changed while this call saved it")
	assert.Contains(t, msg, docRev2)
}

func TestUpsertDocumentNotesWhatPaperclipChanged(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/issues/{issueId}/documents/{key}", 404, docErr("Document not found"))
	// An agent writing a locked document is redirected to a new key, and
	// Paperclip turns the two characters \n into a line break.
	s.reply("PUT /api/issues/{issueId}/documents/{key}", 201, docJSON("plan-2", "", "a\nb", docRev1, 1))
	d := s.deps(client.Config{})
	var r UpsertDocumentResult
	callOK(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": `a\nb`}, &r)
	assert.Equal(t, "plan-2", r.Key)
	joined := strings.Join(r.Notes, " ")
	assert.Contains(t, joined, `Document "plan" is locked, so Paperclip saved this text as a new document "plan-2"`)
	assert.Contains(t, joined, `sequences \n and \r of the body as line breaks`)
}

func TestDocumentToolsRefuseBadInputBeforeSending(t *testing.T) {
	s := newStub(t)
	d := s.deps(client.Config{})
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "bad key", "body": "x"}, "is not a document key"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "-plan", "body": "x"}, "is not a document key"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": strings.Repeat("k", 65), "body": "x"}, "key is longer than 64 characters"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": strings.Repeat("x", 524289)}, "body is longer than 524288 characters"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "x", "title": strings.Repeat("t", 201)}, "title is longer than 200 characters"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "x", "format": "html"}, "format must be one of markdown"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "x", "baseRevisionId": "abc"}, "baseRevisionId must be a UUID"},
		{"paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan"}, "body is required"},
		{"paperclip_upsert_document", map[string]any{"issueId": "not an issue", "key": "plan", "body": "x"}, "issueId must match"},
		{"paperclip_get_document", map[string]any{"issueId": docIssue, "key": "a.b"}, "is not a document key"},
		{"paperclip_get_document_revisions", map[string]any{"issueId": docIssue, "key": "a/b"}, "is not a document key"},
		{"paperclip_delete_document", map[string]any{"issueId": docIssue, "key": ".."}, "is not a document key"},
		{"paperclip_list_documents", map[string]any{"issueId": docIssue, "limit": 101}, "limit must be between 1 and 100"},
	}
	for _, c := range cases {
		msg := callErr(t, d, c.tool, c.args)
		assert.Contains(t, msg, c.want, c.tool)
	}
	assert.Empty(t, s.requests(), "every refusal comes before any request")
}

func TestGetDocumentFullButBounded(t *testing.T) {
	s := newStub(t)
	long := strings.Repeat("word <b> & \"q\"\n", 3000) // 45,000 characters, many of them escaped in JSON
	s.handle("GET /api/issues/{issueId}/documents/{key}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.PathValue("key") {
		case "short":
			writeJSON(w, 200, docJSON("short", "Short", "# Title\nAll of it.", docRev2, 2))
		case "long":
			writeJSON(w, 200, docJSON("long", "Long", long, docRev1, 1))
		default:
			writeJSON(w, 404, docErr("Document not found"))
		}
	})
	d := s.deps(client.Config{})

	var r DocumentDetail
	md := callOK(t, d, "paperclip_get_document", map[string]any{"issueId": docIssue, "key": "Short"}, &r)
	assert.Equal(t, "# Title\nAll of it.", r.Body)
	assert.False(t, r.Clipped)
	assert.Equal(t, docRev2, r.RevisionID)
	assert.Contains(t, md, "# Title\nAll of it.")
	assert.Contains(t, md, "baseRevisionId="+docRev2)

	for _, format := range []string{"markdown", "json"} {
		res := call(t, d, "paperclip_get_document", map[string]any{"issueId": docIssue, "key": "long", "response_format": format})
		require.False(t, res.IsError, text(res))
		txt := text(res)
		assert.Less(t, utf8.RuneCountInString(txt), maxResultChars, "%s: the text stays under the bound by itself", format)
		assert.NotContains(t, txt, "[Cut:", "%s: the tool clips the body, the registry never has to cut", format)
		var got DocumentDetail
		require.NoError(t, json.Unmarshal(res.StructuredContent.(json.RawMessage), &got))
		assert.True(t, got.Clipped)
		assert.Equal(t, utf8.RuneCountInString(long), got.BodyChars)
		assert.True(t, strings.HasPrefix(long, got.Body))
		assert.Contains(t, got.Note, fmt.Sprintf("it has %d characters", len(long)))
		assert.Contains(t, got.Note, "/api/issues/"+docIssueUUID+"/documents/long")
		if format == "json" {
			assert.JSONEq(t, string(res.StructuredContent.(json.RawMessage)), txt)
		}
	}

	msg := callErr(t, d, "paperclip_get_document", map[string]any{"issueId": docIssue, "key": "nope"})
	assert.Contains(t, msg, "404 Document not found")
	assert.Contains(t, msg, "paperclip_list_documents")
}

func TestListDocumentsPagesHereWithExactTotal(t *testing.T) {
	s := newStub(t)
	var docs []map[string]any
	for i := 1; i <= 7; i++ {
		docs = append(docs, docJSON(fmt.Sprintf("doc-%d", i), fmt.Sprintf("Doc %d", i), strings.Repeat("body ", 2000), docRev1, i))
	}
	s.reply("GET /api/issues/{issueId}/documents", 200, docs)
	d := s.deps(client.Config{})
	var p Page[DocumentSummary]
	md := callOK(t, d, "paperclip_list_documents", map[string]any{"issueId": docIssue, "limit": 3, "offset": 3}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 7, *p.Total)
	assert.Equal(t, 3, p.Count)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 6, *p.NextOffset)
	assert.Equal(t, []string{"doc-4", "doc-5", "doc-6"}, []string{p.Items[0].Key, p.Items[1].Key, p.Items[2].Key})
	assert.Equal(t, 10000, p.Items[0].BodyChars)
	assert.Less(t, len(p.Items[0].Excerpt), 10000, "bodies are clipped in lists")
	assert.NotEmpty(t, p.Items[0].Excerpt)
	assert.Equal(t, []string{"true"}, s.requests()[0].Query["includeSystem"])
	assert.Contains(t, md, "- **doc-4** · \"Doc 4\" · rev 4 `"+docRev1+"` · 10000 chars")
	assert.Contains(t, md, "More: call paperclip_list_documents with offset=6.")
	assert.Equal(t, 1+3+2, strings.Count(md, "\n"), "a heading, one line per item, more, next")

	var last Page[DocumentSummary]
	callOK(t, d, "paperclip_list_documents", map[string]any{"issueId": docIssue, "offset": 6}, &last)
	assert.Equal(t, 1, last.Count)
	assert.False(t, last.HasMore)
	assert.Nil(t, last.NextOffset)

	s2 := newStub(t)
	s2.reply("GET /api/issues/{issueId}/documents", 404, docErr("Issue not found"))
	msg := callErr(t, s2.deps(client.Config{}), "paperclip_list_documents", map[string]any{"issueId": "XYZ-9"})
	assert.Contains(t, msg, "404 Issue not found")
	assert.Contains(t, msg, "paperclip_list_issues")
}

func TestDocumentRevisionsPagedNewestFirst(t *testing.T) {
	s := newStub(t)
	revs := []map[string]any{}
	for i := 3; i >= 1; i-- {
		revs = append(revs, map[string]any{"id": fmt.Sprintf("aaaaaaaa-0000-4000-8000-00000000000%d", i), "revisionNumber": i, "key": "plan",
			"title": "T", "format": "markdown", "body": fmt.Sprintf("body %d", i), "changeSummary": nil, "createdByAgentId": testAgent, "createdAt": "2026-12-02T16:28:51.650Z"})
	}
	s.handle("GET /api/issues/{issueId}/documents/{key}/revisions", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.PathValue("key") == "plan" {
			writeJSON(w, 200, revs)
			return
		}
		writeJSON(w, 200, []any{}) // Paperclip answers [] for a key the issue does not have
	})
	s.reply("GET /api/issues/{issueId}/documents/{key}", 404, docErr("Document not found"))
	d := s.deps(client.Config{})
	var p Page[RevisionSummary]
	md := callOK(t, d, "paperclip_get_document_revisions", map[string]any{"issueId": docIssue, "key": "PLAN", "limit": 2}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 3, *p.Total)
	assert.Equal(t, 2, p.Count)
	assert.Equal(t, 3, p.Items[0].RevisionNumber)
	assert.Equal(t, docRev3, p.Items[0].ID)
	assert.Equal(t, "body 3", p.Items[0].Excerpt)
	assert.Equal(t, "agent "+testAgent, p.Items[0].CreatedBy)
	assert.Equal(t, "/api/issues/ABC-12/documents/plan/revisions", s.requests()[0].Path)
	assert.Contains(t, md, "- **rev 3** `"+docRev3+"`")
	assert.Contains(t, md, "More: call paperclip_get_document_revisions with offset=2.")

	msg := callErr(t, d, "paperclip_get_document_revisions", map[string]any{"issueId": docIssue, "key": "nope"})
	assert.Contains(t, msg, "404 Document not found", "an empty list of an unknown key is not passed off as 'no revisions'")
}

func TestDeleteDocumentBoardOnly(t *testing.T) {
	s := newStub(t)
	calls := 0
	s.handle("DELETE /api/issues/{issueId}/documents/{key}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		calls++
		switch {
		case r.Header.Get("Authorization") == "Bearer pcp_agentkey_123456":
			writeJSON(w, 403, map[string]any{"error": "Board authentication required"})
		case calls == 1:
			writeJSON(w, 200, map[string]any{"ok": true})
		default:
			writeJSON(w, 404, docErr("Document not found"))
		}
	})
	d := s.deps(client.Config{})
	var r DeleteDocumentResult
	md := callOK(t, d, "paperclip_delete_document", map[string]any{"issueId": docIssue, "key": "Plan"}, &r)
	assert.True(t, r.Deleted)
	assert.Equal(t, "plan", r.Key)
	assert.Equal(t, "DELETE /api/issues/ABC-12/documents/plan", s.requests()[0].Method+" "+s.requests()[0].Path)
	assert.Contains(t, md, "Deleted document plan of issue ABC-12")

	msg := callErr(t, d, "paperclip_delete_document", map[string]any{"issueId": docIssue, "key": "plan"})
	assert.Contains(t, msg, "404 Document not found")
	assert.Contains(t, msg, "paperclip_list_documents")

	agent := s.deps(client.Config{APIKey: "pcp_agentkey_123456"})
	msg = callErr(t, agent, "paperclip_delete_document", map[string]any{"issueId": docIssue, "key": "plan"})
	assert.Contains(t, msg, "403 Board authentication required")
	assert.Contains(t, msg, "board only")

	def := findTool(t, "paperclip_delete_document").Def()
	assert.True(t, strings.HasPrefix(def.Description, "Board only."))
	assert.True(t, *def.Annotations.DestructiveHint)
}

func TestUpsertDocumentCarriesRunID(t *testing.T) {
	s := newStub(t)
	s.reply("PUT /api/issues/{issueId}/documents/{key}", 201, docJSON("plan", "T", "x", docRev1, 1))
	d := s.deps(client.Config{RunID: "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f"})
	var r UpsertDocumentResult
	callOK(t, d, "paperclip_upsert_document", map[string]any{"issueId": docIssue, "key": "plan", "body": "x", "title": "T", "baseRevisionId": docRev1}, &r)
	assert.Equal(t, "3f2c8a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f", s.requests()[0].Header.Get("X-Paperclip-Run-Id"))
}
