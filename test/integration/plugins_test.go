package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// restPlugin is a plugin record as GET /api/plugins answers it.
type restPlugin struct {
	ID          string  `json:"id"`
	PluginKey   string  `json:"pluginKey"`
	PackageName string  `json:"packageName"`
	Version     string  `json:"version"`
	Status      string  `json:"status"`
	LastError   *string `json:"lastError"`
}

type restPluginExample struct {
	PackageName         string `json:"packageName"`
	PluginKey           string `json:"pluginKey"`
	LocalPath           string `json:"localPath"`
	Experimental        bool   `json:"experimental"`
	HasBuiltEntrypoints bool   `json:"hasBuiltEntrypoints"`
}

// mcpPlugin mirrors tools.PluginView.
type mcpPlugin struct {
	ID                 string `json:"id"`
	PluginKey          string `json:"pluginKey"`
	PackageName        string `json:"packageName"`
	Version            string `json:"version"`
	Status             string `json:"status"`
	LastError          string `json:"lastError"`
	SupportsConfigTest *bool  `json:"supportsConfigTest"`
	Note               string `json:"note"`
}

type mcpPluginPage struct {
	Items []mcpPlugin `json:"items"`
	Total *int        `json:"total"`
	Count int         `json:"count"`
}

func pluginKeys[T any](items []T, key func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, key(it))
	}
	slices.Sort(out)
	return out
}

// TestPlugins runs its parts one after the other: the lifecycle part
// installs a plugin, which the list comparisons of the other would race.
// Only local paths are ever installed: nothing is fetched from a registry.
func TestPlugins(t *testing.T) {
	requireServer(t)
	t.Parallel()
	t.Run("AgainstREST", testPluginsAgainstREST)
	t.Run("LifecycleOfALocalPlugin", testPluginsLifecycleOfALocalPlugin)
}

// testPluginsAgainstREST: the plugin reads say what REST says; unknown keys
// are 404 naming paperclip_list_plugins; an install from a path that does
// not exist is a clear 400; an agent key is refused with 403.
func testPluginsAgainstREST(t *testing.T) {
	a := newAPI(t)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "plugins", "PAPERCLIP_MCP_LOG_LEVEL": "debug"})

	// Lists, with and without a status filter, against REST.
	for _, status := range []string{"", "ready", "disabled", "error", "uninstalled"} {
		var rest []restPlugin
		path := "/plugins"
		args := map[string]any{"limit": 100}
		if status != "" {
			path += "?status=" + status
			args["status"] = status
		}
		restGET(t, path, &rest)
		var page mcpPluginPage
		callJSON(t, s, "paperclip_list_plugins", args, &page)
		require.NotNil(t, page.Total, status)
		assert.Equal(t, len(rest), *page.Total, "status %q: the total is REST's count", status)
		assert.Equal(t, pluginKeys(rest, func(p restPlugin) string { return p.PluginKey + " " + p.Status }),
			pluginKeys(page.Items, func(p mcpPlugin) string { return p.PluginKey + " " + p.Status }), "status %q", status)
		md := s.CallOK(t, "paperclip_list_plugins", args, nil)
		assert.Contains(t, md, "## Plugins")
		if len(rest) == 0 {
			assert.Contains(t, md, "No plugins", "status %q", status)
			assert.Contains(t, md, "paperclip_list_plugin_examples")
		}
	}

	// An unknown status never reaches Paperclip (which would answer 400).
	code, body := a.raw(http.MethodGet, "/plugins?status=enabled", nil)
	assert.Equal(t, http.StatusBadRequest, code, "Paperclip refuses it: %s", body)
	before := len(waitRequestPaths(t, s, 0))
	msg := s.CallErr(t, "paperclip_list_plugins", map[string]any{"status": "enabled"})
	assert.Contains(t, msg, "status")
	assert.Len(t, waitRequestPaths(t, s, before), before, "the refused status sent nothing")

	// Examples: what REST says (none on a release install).
	var restEx []restPluginExample
	restGET(t, "/plugins/examples", &restEx)
	var ex struct {
		Items []restPluginExample `json:"items"`
		Count int                 `json:"count"`
	}
	callJSON(t, s, "paperclip_list_plugin_examples", map[string]any{}, &ex)
	assert.Equal(t, len(restEx), ex.Count)
	assert.Equal(t, pluginKeys(restEx, func(e restPluginExample) string { return e.PluginKey + " " + e.LocalPath }),
		pluginKeys(ex.Items, func(e restPluginExample) string { return e.PluginKey + " " + e.LocalPath }))
	md := s.CallOK(t, "paperclip_list_plugin_examples", map[string]any{}, nil)
	assert.Contains(t, md, fmt.Sprintf("## Plugin packages bundled with this server: %d", len(restEx)))
	if len(restEx) == 0 {
		assert.Contains(t, md, "None: this server ships no plugin packages")
	}

	// Unknown keys: a scoped key travels as one escaped segment; 404 names the list tool.
	key := "@it-" + randLetters(6) + "/plugin-x"
	code, body = a.raw(http.MethodGet, "/plugins/"+url.PathEscape(key), nil)
	assert.Equal(t, http.StatusNotFound, code, "%s", body)
	assert.Contains(t, string(body), "Plugin not found")
	n := len(waitRequestPaths(t, s, 0))
	msg = s.CallErr(t, "paperclip_get_plugin", map[string]any{"pluginKey": key})
	assert.Contains(t, msg, "404 Plugin not found")
	assert.Contains(t, msg, "paperclip_list_plugins")
	paths := waitRequestPaths(t, s, n+1)
	require.Greater(t, len(paths), n)
	assert.Equal(t, "/api/plugins/"+url.PathEscape(key), paths[n], "the key is one escaped segment")
	for _, name := range []string{"paperclip_enable_plugin", "paperclip_disable_plugin"} {
		msg = s.CallErr(t, name, map[string]any{"pluginKey": key})
		assert.Contains(t, msg, "404 Plugin not found", name)
		assert.Contains(t, msg, "paperclip_list_plugins", name)
	}
	msg = s.CallErr(t, "paperclip_disable_plugin", map[string]any{"pluginKey": "acme.nope-" + randLetters(6), "reason": "it"})
	assert.Contains(t, msg, "404 Plugin not found")

	// Install from a local path that does not exist: 400 with Paperclip's reason.
	var restBefore []restPlugin
	restGET(t, "/plugins", &restBefore)
	msg = s.CallErr(t, "paperclip_install_plugin", map[string]any{"packageName": "/nonexistent/plugin", "isLocalPath": true})
	assert.Contains(t, msg, "400")
	assert.Contains(t, msg, "path does not exist: /nonexistent/plugin")
	msg = s.CallErr(t, "paperclip_install_plugin", map[string]any{"packageName": "/nonexistent/plugin", "isLocalPath": true, "version": "1.0.0"})
	assert.Contains(t, msg, "npm installs only", "refused here before sending")
	var restAfter []restPlugin
	restGET(t, "/plugins", &restAfter)
	assert.Equal(t, len(restBefore), len(restAfter), "nothing was installed")

	// As an agent: every plugin route is board only; install wants an instance admin.
	var company struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies", map[string]any{"name": randLetters(3) + " Plugins IT " + randSuffix()}, &company)
	var agent struct {
		ID string `json:"id"`
	}
	a.expect(http.StatusCreated, http.MethodPost, "/companies/"+company.ID+"/agents", map[string]any{"name": "plugins-" + randSuffix(), "adapterType": "process",
		"adapterConfig": map[string]any{"command": "/bin/sh", "args": []string{"-c", "exit 0"}}}, &agent)
	token := createAgentKey(t, agent.ID)
	code, body = a.as(token).raw(http.MethodPost, "/plugins/install", map[string]any{"packageName": "/nonexistent/plugin", "isLocalPath": true})
	assert.Equal(t, http.StatusForbidden, code, "%s", body)
	// Every plugin tool is board only, so an agent key is served none of
	// them unless they are named.
	as := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "plugins", "PAPERCLIP_COMPANY_ID": company.ID, "PAPERCLIP_AGENT_ID": agent.ID, "PAPERCLIP_API_KEY": token})
	tools, err := as.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	assert.Empty(t, tools.Tools, "an agent key gets no plugin tool unless named")
	as = startMCP(t, map[string]string{"PAPERCLIP_TOOLS": "paperclip_install_plugin,paperclip_enable_plugin,paperclip_disable_plugin,paperclip_list_plugins,paperclip_list_plugin_examples",
		"PAPERCLIP_COMPANY_ID": company.ID, "PAPERCLIP_AGENT_ID": agent.ID, "PAPERCLIP_API_KEY": token})
	msg = as.CallErr(t, "paperclip_install_plugin", map[string]any{"packageName": "/nonexistent/plugin", "isLocalPath": true})
	assert.Contains(t, msg, "403 Board access required", "Paperclip's words are kept")
	assert.Contains(t, msg, "board only")
	assert.Contains(t, msg, "board API key")
	for _, name := range []string{"paperclip_enable_plugin", "paperclip_disable_plugin"} {
		msg = as.CallErr(t, name, map[string]any{"pluginKey": key})
		assert.Contains(t, msg, "403", name)
		assert.Contains(t, msg, "board API key", name)
	}
	msg = as.CallErr(t, "paperclip_list_plugins", map[string]any{})
	assert.Contains(t, msg, "403 Board access required", "even the list is board only")
	msg = as.CallErr(t, "paperclip_list_plugin_examples", map[string]any{})
	assert.Contains(t, msg, "403")
}

// probePlugin writes a do-nothing plugin package into a fresh directory
// (a manifest, and a worker that answers initialize, health and shutdown
// over the NDJSON JSON-RPC the host speaks) and returns the directory. It
// installs from that local path: nothing is fetched from a registry.
func probePlugin(t *testing.T, id string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o755), "the Paperclip server reads it")
	files := map[string]string{
		"package.json": `{"name":"@it/` + id + `","version":"1.0.0","type":"module","paperclipPlugin":{"manifest":"./manifest.js"}}`,
		"manifest.js": `export default { id: "` + id + `", apiVersion: 1, version: "1.0.0", displayName: "IT probe",
  description: "A do-nothing plugin for the paperclip-mcp integration tests.", author: "paperclip-mcp",
  categories: ["automation"], capabilities: ["issues.read"], entrypoints: { worker: "./worker.js" } };
`,
		"worker.js": `import { createInterface } from "node:readline";
const send = (m) => process.stdout.write(JSON.stringify(m) + "\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  let m; try { m = JSON.parse(line); } catch { return; }
  if (m.id === undefined || !m.method) return;
  if (m.method === "initialize") return send({ jsonrpc: "2.0", id: m.id, result: { ok: true, supportedMethods: [] } });
  if (m.method === "health") return send({ jsonrpc: "2.0", id: m.id, result: { status: "ok" } });
  if (m.method === "shutdown") { send({ jsonrpc: "2.0", id: m.id, result: null }); return setImmediate(() => process.exit(0)); }
  send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Unknown method: " + m.method } });
});
`,
	}
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return dir
}

// testPluginsLifecycleOfALocalPlugin installs a plugin from a local path
// (never from npm), then gets, disables and enables it, each compared with
// REST; a repeated disable or enable changes nothing and says so, and a
// second install is refused. The plugin is purged at the end.
func testPluginsLifecycleOfALocalPlugin(t *testing.T) {
	a := newAPI(t)
	id := "it.probe-" + strings.ToLower(randLetters(8))
	dir := probePlugin(t, id)
	s := startMCP(t, map[string]string{"PAPERCLIP_TOOLSETS": "plugins"})

	var installed mcpPlugin
	md := s.CallOK(t, "paperclip_install_plugin", map[string]any{"packageName": dir, "isLocalPath": true}, &installed)
	t.Cleanup(func() { a.do(http.MethodDelete, "/plugins/"+installed.ID+"?purge=true", nil, nil) }) // before the directory goes
	require.NotEmpty(t, installed.ID)
	assert.Equal(t, id, installed.PluginKey, "the key is the manifest id")
	assert.Equal(t, "@it/"+id, installed.PackageName, "the package name comes from package.json")
	assert.Equal(t, "1.0.0", installed.Version)
	assert.Equal(t, "ready", installed.Status, "the worker started: %s", installed.LastError)
	assert.Contains(t, md, "## Installed plugin IT probe (`"+id+"`): ready")
	assert.Contains(t, md, "Next: paperclip_disable_plugin pluginKey="+id)
	var rest restPlugin
	restGET(t, "/plugins/"+id, &rest)
	assert.Equal(t, restPlugin{ID: installed.ID, PluginKey: id, PackageName: "@it/" + id, Version: "1.0.0", Status: "ready"}, rest)

	msg := s.CallErr(t, "paperclip_install_plugin", map[string]any{"packageName": dir, "isLocalPath": true})
	assert.Contains(t, msg, "400 Plugin already installed: "+id)

	var got struct {
		mcpPlugin
		Capabilities []string `json:"capabilities"`
		Categories   []string `json:"categories"`
		PackagePath  string   `json:"packagePath"`
	}
	callJSON(t, s, "paperclip_get_plugin", map[string]any{"pluginKey": id}, &got)
	assert.Equal(t, installed.ID, got.ID)
	require.NotNil(t, got.SupportsConfigTest, "get adds supportsConfigTest")
	assert.False(t, *got.SupportsConfigTest, "the worker does not implement validateConfig")
	assert.Equal(t, []string{"issues.read"}, got.Capabilities)
	assert.Equal(t, []string{"automation"}, got.Categories)
	assert.NotEmpty(t, got.PackagePath)
	callJSON(t, s, "paperclip_get_plugin", map[string]any{"pluginKey": installed.ID}, &got)
	assert.Equal(t, id, got.PluginKey, "the id works as the key")

	var page mcpPluginPage
	callJSON(t, s, "paperclip_list_plugins", map[string]any{"status": "ready", "limit": 100}, &page)
	assert.Contains(t, pluginKeys(page.Items, func(p mcpPlugin) string { return p.PluginKey }), id)

	var v mcpPlugin
	md = s.CallOK(t, "paperclip_disable_plugin", map[string]any{"pluginKey": id, "reason": "integration test"}, &v)
	restGET(t, "/plugins/"+id, &rest)
	assert.Equal(t, "disabled", rest.Status)
	assert.Equal(t, "integration test", deref(rest.LastError), "the reason is kept as lastError")
	assert.Equal(t, rest.Status, v.Status)
	assert.Equal(t, "integration test", v.LastError)
	assert.Contains(t, md, "- reason: integration test")
	assert.Contains(t, md, "Next: paperclip_enable_plugin pluginKey="+id)
	code, body := a.raw(http.MethodPost, "/plugins/"+id+"/disable", map[string]any{})
	assert.Equal(t, http.StatusBadRequest, code, "Paperclip refuses a second disable: %s", body)
	v = mcpPlugin{}
	s.CallOK(t, "paperclip_disable_plugin", map[string]any{"pluginKey": id}, &v)
	assert.Equal(t, "disabled", v.Status)
	assert.Equal(t, "It was already disabled: nothing changed.", v.Note, "the tool answers the state instead")
	callJSON(t, s, "paperclip_list_plugins", map[string]any{"status": "disabled", "limit": 100}, &page)
	assert.Contains(t, pluginKeys(page.Items, func(p mcpPlugin) string { return p.PluginKey }), id)

	v = mcpPlugin{}
	s.CallOK(t, "paperclip_enable_plugin", map[string]any{"pluginKey": id}, &v)
	restGET(t, "/plugins/"+id, &rest)
	assert.Equal(t, "ready", rest.Status)
	assert.Nil(t, rest.LastError, "enable clears the reason")
	assert.Equal(t, rest.Status, v.Status)
	assert.Empty(t, v.Note)
	v = mcpPlugin{}
	md = s.CallOK(t, "paperclip_enable_plugin", map[string]any{"pluginKey": id}, &v)
	assert.Equal(t, "It was already ready: nothing changed.", v.Note)
	assert.Contains(t, md, "It was already ready: nothing changed.")
}
