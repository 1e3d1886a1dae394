package tools

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

const testPluginID = "70000000-0000-4000-8000-000000000001"

// pluginRow is a plugin record as Paperclip answers it.
func pluginRow(id, key, status string, lastError any) map[string]any {
	return map[string]any{"id": id, "pluginKey": key, "packageName": "@acme/" + key, "version": "1.2.3", "apiVersion": 1,
		"categories": []any{"automation"}, "status": status, "installOrder": 1, "packagePath": nil, "lastError": lastError,
		"installedAt": "2026-12-01T10:00:00.000Z", "updatedAt": "2026-12-02T11:00:00.000Z",
		"manifestJson": map[string]any{"id": key, "apiVersion": 1, "version": "1.2.3", "displayName": "Acme " + key,
			"description": "Does acme things.", "author": "Acme", "categories": []any{"automation"},
			"capabilities": []any{"issues.read", "events.subscribe"}, "entrypoints": map[string]any{"worker": "./dist/worker.js"}}}
}

// escapedPaths records the escaped path of each request a handler serves.
type escapedPaths struct {
	mu    sync.Mutex
	paths []string
}

func (e *escapedPaths) serve(s *stub, pattern string, code int, v any) {
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		e.mu.Lock()
		e.paths = append(e.paths, r.URL.EscapedPath())
		e.mu.Unlock()
		writeJSON(w, code, v)
	})
}

func (e *escapedPaths) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.paths...)
}

// TestListPluginsPagesLocallyAndFiltersByStatus: the route has no paging,
// so one request is paged here with an exact total; the status goes as the
// query, and an unknown status is refused before anything is sent.
func TestListPluginsPagesLocallyAndFiltersByStatus(t *testing.T) {
	s := newStub(t)
	rows := []any{}
	for i := 1; i <= 5; i++ {
		rows = append(rows, pluginRow(fmt.Sprintf("70000000-0000-4000-8000-00000000000%d", i), fmt.Sprintf("acme.p%d", i), "ready", nil))
	}
	rows[3] = pluginRow("70000000-0000-4000-8000-000000000004", "acme.p4", "error", "worker crashed:\nexit 1")
	s.reply("GET /api/plugins", 200, rows)
	d := s.deps(client.Config{})

	var p Page[PluginView]
	md := callOK(t, d, "paperclip_list_plugins", map[string]any{"limit": 2, "offset": 2, "status": "ready"}, &p)
	require.NotNil(t, p.Total)
	assert.Equal(t, 5, *p.Total, "the total is exact: everything was read")
	assert.Equal(t, 2, p.Count)
	require.NotNil(t, p.NextOffset)
	assert.Equal(t, 4, *p.NextOffset)
	assert.Equal(t, []string{"acme.p3", "acme.p4"}, []string{p.Items[0].PluginKey, p.Items[1].PluginKey})
	assert.Equal(t, "@acme/acme.p3", p.Items[0].PackageName)
	assert.Equal(t, "Acme acme.p3", p.Items[0].DisplayName, "the display name comes from the manifest")
	assert.Empty(t, p.Items[0].Capabilities, "a list line leaves the manifest's capabilities out")
	assert.Equal(t, "worker crashed:\nexit 1", p.Items[1].LastError)
	assert.Contains(t, md, "## Plugins with status ready: 2 shown from offset 2 (5 in all)")
	assert.Contains(t, md, "- **Acme acme.p3** `acme.p3` · @acme/acme.p3@1.2.3 · ready\n")
	assert.Contains(t, md, "· error · error: worker crashed: exit 1", "the error is on the line, folded")
	assert.Contains(t, md, "More: call paperclip_list_plugins with offset=4 and status=ready.")
	assert.Contains(t, md, "Next: paperclip_get_plugin pluginKey=acme.p3")
	reqs := s.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, map[string][]string{"status": {"ready"}}, reqs[0].Query, "only the status is sent: the route ignores paging")

	callOK(t, d, "paperclip_list_plugins", map[string]any{}, &p)
	assert.Empty(t, s.requests()[1].Query, "no status, no query: Paperclip then lists all but uninstalled")
	jsonTextIsStructured(t, d, "paperclip_list_plugins", map[string]any{"limit": 1})

	n := len(s.requests())
	for _, bad := range []any{"enabled", "READY", "", 3} {
		assert.NotEmpty(t, callErr(t, d, "paperclip_list_plugins", map[string]any{"status": bad}), "status %v", bad)
	}
	assert.NotEmpty(t, callErr(t, d, "paperclip_list_plugins", map[string]any{"limit": 101}))
	assert.Len(t, s.requests(), n, "refused before sending")
}

func TestListPluginsEmptySaysWhereToFindOne(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/plugins", 200, []any{})
	d := s.deps(client.Config{})
	var p Page[PluginView]
	md := callOK(t, d, "paperclip_list_plugins", map[string]any{"status": "disabled"}, &p)
	assert.Equal(t, 0, p.Count)
	assert.Equal(t, 0, *p.Total)
	assert.Contains(t, md, "No plugins with status disabled.")
	assert.Contains(t, md, "paperclip_list_plugin_examples")
	assert.NotContains(t, md, "Next: paperclip_get_plugin")
}

// TestGetPluginEscapesTheKeyAsOneSegment: a scoped key travels as one path
// segment (the slash escaped), and 404 says where keys come from.
func TestGetPluginEscapesTheKeyAsOneSegment(t *testing.T) {
	s := newStub(t)
	row := pluginRow(testPluginID, "@acme/plugin-x", "ready", nil)
	row["supportsConfigTest"] = true
	row["packagePath"] = "/opt/plugins/x"
	var paths escapedPaths
	paths.serve(s, "GET /api/plugins/{pluginKey}", 200, row)
	d := s.deps(client.Config{})

	var v PluginView
	md := callOK(t, d, "paperclip_get_plugin", map[string]any{"pluginKey": "@acme/plugin-x"}, &v)
	assert.Equal(t, []string{"/api/plugins/@acme%2Fplugin-x"}, paths.all(), "the key is one escaped segment")
	assert.Equal(t, "/api/plugins/@acme/plugin-x", s.requests()[0].Path)
	assert.Equal(t, "@acme/plugin-x", v.PluginKey)
	require.NotNil(t, v.SupportsConfigTest)
	assert.True(t, *v.SupportsConfigTest)
	assert.Equal(t, []string{"issues.read", "events.subscribe"}, v.Capabilities)
	assert.Equal(t, "Does acme things.", v.Description)
	assert.Equal(t, "/opt/plugins/x", v.PackagePath)
	assert.Contains(t, md, "## Plugin Acme @acme/plugin-x (`@acme/plugin-x`): ready")
	assert.Contains(t, md, "package @acme/@acme/plugin-x@1.2.3 · id `"+testPluginID+"` · from /opt/plugins/x")
	assert.Contains(t, md, "- capabilities: issues.read, events.subscribe")
	assert.Contains(t, md, "- config test supported: true")
	assert.Contains(t, md, "Next: paperclip_disable_plugin pluginKey=@acme/plugin-x")
	jsonTextIsStructured(t, d, "paperclip_get_plugin", map[string]any{"pluginKey": "x"})

	s2 := newStub(t)
	s2.reply("GET /api/plugins/{pluginKey}", 404, map[string]any{"error": "Plugin not found"})
	d2 := s2.deps(client.Config{})
	msg := callErr(t, d2, "paperclip_get_plugin", map[string]any{"pluginKey": "acme.nope"})
	assert.Contains(t, msg, "404 Plugin not found")
	assert.Contains(t, msg, "paperclip_list_plugins")

	for _, bad := range []string{"", ".", "..", "  "} {
		assert.NotEmpty(t, callErr(t, d2, "paperclip_get_plugin", map[string]any{"pluginKey": bad}), "key %q", bad)
	}
	assert.Len(t, s2.requests(), 1, "a key that is no segment is refused before sending")
}

func TestListPluginExamples(t *testing.T) {
	s := newStub(t)
	s.reply("GET /api/plugins/examples", 200, []any{
		map[string]any{"packageName": "@paperclipai/plugin-hello", "pluginKey": "paperclip.hello", "displayName": "Hello",
			"description": "Says hello.", "localPath": "/srv/paperclip/packages/plugins/examples/hello", "tag": "example",
			"experimental": false, "hasBuiltEntrypoints": false},
	})
	d := s.deps(client.Config{})
	var r PluginExamples
	md := callOK(t, d, "paperclip_list_plugin_examples", map[string]any{}, &r)
	require.Equal(t, 1, r.Count)
	assert.Equal(t, PluginExampleView{PluginKey: "paperclip.hello", PackageName: "@paperclipai/plugin-hello", DisplayName: "Hello",
		Description: "Says hello.", LocalPath: "/srv/paperclip/packages/plugins/examples/hello", Tag: "example"}, r.Items[0])
	assert.Contains(t, md, "- **Hello** `paperclip.hello` · @paperclipai/plugin-hello · example · not built · path /srv/paperclip/packages/plugins/examples/hello")
	assert.Contains(t, md, "Next: paperclip_install_plugin packageName=<path> isLocalPath=true")
	jsonTextIsStructured(t, d, "paperclip_list_plugin_examples", nil)

	s2 := newStub(t)
	s2.reply("GET /api/plugins/examples", 200, []any{})
	d2 := s2.deps(client.Config{})
	md = callOK(t, d2, "paperclip_list_plugin_examples", map[string]any{}, &r)
	assert.Equal(t, 0, r.Count)
	assert.NotNil(t, r.Items, "an empty list is [], not null")
	assert.Contains(t, md, "## Plugin packages bundled with this server: 0")
	assert.Contains(t, md, "None: this server ships no plugin packages")
	assert.Contains(t, md, "paperclip_install_plugin")
}

// TestInstallPluginSendsTheBodyAsGiven: the body is exactly packageName,
// version (when given) and isLocalPath; Paperclip answers 200.
func TestInstallPluginSendsTheBodyAsGiven(t *testing.T) {
	s := newStub(t)
	row := pluginRow(testPluginID, "acme.linear", "ready", nil)
	s.reply("POST /api/plugins/install", 200, row)
	d := s.deps(client.Config{})

	var v PluginView
	md := callOK(t, d, "paperclip_install_plugin", map[string]any{"packageName": " @acme/plugin-linear ", "version": "1.2.3"}, &v)
	assert.Equal(t, "acme.linear", v.PluginKey)
	assert.Equal(t, "ready", v.Status)
	assert.Contains(t, md, "## Installed plugin Acme acme.linear (`acme.linear`): ready")
	callOK(t, d, "paperclip_install_plugin", map[string]any{"packageName": "/opt/plugins/linear", "isLocalPath": true}, &v)
	reqs := s.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/api/plugins/install", reqs[0].Path)
	assert.JSONEq(t, `{"packageName":"@acme/plugin-linear","version":"1.2.3","isLocalPath":false}`, string(reqs[0].Body))
	assert.JSONEq(t, `{"packageName":"/opt/plugins/linear","isLocalPath":true}`, string(reqs[1].Body))

	assert.Contains(t, callErr(t, d, "paperclip_install_plugin", map[string]any{"packageName": "   "}), "blank")
	assert.Contains(t, callErr(t, d, "paperclip_install_plugin", map[string]any{"packageName": "/opt/x", "isLocalPath": true, "version": "1.0.0"}), "npm installs only")
	assert.NotEmpty(t, callErr(t, d, "paperclip_install_plugin", map[string]any{}))
	assert.Len(t, s.requests(), 2, "refused before sending")
}

// TestInstallPluginErrorsSayWhatIsWrong: a failed install is 400 with the
// reason; 403 says that an instance admin (a board key) is needed.
func TestInstallPluginErrorsSayWhatIsWrong(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/plugins/install", 400, map[string]any{"error": "Invalid localPath: path does not exist: /nonexistent/plugin"})
	msg := callErr(t, s.deps(client.Config{}), "paperclip_install_plugin", map[string]any{"packageName": "/nonexistent/plugin", "isLocalPath": true})
	assert.Contains(t, msg, "400 Invalid localPath: path does not exist: /nonexistent/plugin")

	// A board user who is no instance admin, then an agent key.
	for refusal, says := range map[string]string{"Instance admin access required": "needs a board user who is an instance admin",
		"Board access required": "it needs a board API key"} {
		s := newStub(t)
		s.reply("POST /api/plugins/install", 403, map[string]any{"error": refusal})
		msg := callErr(t, s.deps(client.Config{}), "paperclip_install_plugin", map[string]any{"packageName": "@acme/plugin-x"})
		assert.Contains(t, msg, "403 "+refusal, "Paperclip's own words are kept")
		assert.Contains(t, msg, says, refusal)
	}
	s = newStub(t)
	s.reply("POST /api/plugins/install", 400, map[string]any{"error": "Plugin already installed: acme.linear"})
	msg = callErr(t, s.deps(client.Config{}), "paperclip_install_plugin", map[string]any{"packageName": "@acme/plugin-linear"})
	assert.Contains(t, msg, "acme.linear is already installed (400 Plugin already installed: acme.linear): nothing changed.")
	assert.Contains(t, msg, "paperclip_get_plugin pluginKey=acme.linear")
	assert.Len(t, s.requests(), 1, "sent once")

	// An npm install can outlast the timeout; the install may still finish.
	s = newStub(t)
	s.handle("POST /api/plugins/install", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	msg = callErr(t, s.deps(client.Config{Timeout: 100 * time.Millisecond}), "paperclip_install_plugin", map[string]any{"packageName": "@acme/plugin-slow"})
	assert.Contains(t, msg, "may still finish on the server")
	assert.Contains(t, msg, "Check paperclip_list_plugins before calling again")
	assert.Len(t, s.requests(), 1, "a POST is never sent twice")

	def := findTool(t, "paperclip_install_plugin").Def()
	assert.Contains(t, def.Description, "instance admin")
	assert.True(t, *def.Annotations.OpenWorldHint, "it reaches a package registry")
	assert.False(t, *def.Annotations.IdempotentHint)
}

// TestEnableAndDisablePlugin: the key is escaped as one segment, enable
// sends no fields, disable sends the reason; a plugin already where the
// call would take it is answered with its state, and other lifecycle
// refusals are errors.
func TestEnableAndDisablePlugin(t *testing.T) {
	s := newStub(t)
	var enable, disable escapedPaths
	enable.serve(s, "POST /api/plugins/{pluginKey}/enable", 200, pluginRow(testPluginID, "@acme/plugin-x", "ready", nil))
	disable.serve(s, "POST /api/plugins/{pluginKey}/disable", 200, pluginRow(testPluginID, "@acme/plugin-x", "disabled", "maintenance"))
	d := s.deps(client.Config{})

	var v PluginView
	md := callOK(t, d, "paperclip_enable_plugin", map[string]any{"pluginKey": "@acme/plugin-x"}, &v)
	assert.Equal(t, "ready", v.Status)
	assert.Empty(t, v.Note)
	assert.Contains(t, md, "## Enabled plugin Acme @acme/plugin-x (`@acme/plugin-x`): ready")
	md = callOK(t, d, "paperclip_disable_plugin", map[string]any{"pluginKey": "@acme/plugin-x", "reason": "maintenance"}, &v)
	assert.Equal(t, "disabled", v.Status)
	assert.Equal(t, "maintenance", v.LastError)
	assert.Contains(t, md, "## Disabled plugin Acme @acme/plugin-x (`@acme/plugin-x`): disabled")
	assert.Contains(t, md, "- reason: maintenance", "a disabled plugin's lastError is the reason")
	assert.Contains(t, md, "Next: paperclip_enable_plugin pluginKey=@acme/plugin-x")
	callOK(t, d, "paperclip_disable_plugin", map[string]any{"pluginKey": "acme.y"}, &v)

	assert.Equal(t, []string{"/api/plugins/@acme%2Fplugin-x/enable"}, enable.all())
	assert.Equal(t, []string{"/api/plugins/@acme%2Fplugin-x/disable", "/api/plugins/acme.y/disable"}, disable.all())
	reqs := s.requests()
	require.Len(t, reqs, 3)
	assert.JSONEq(t, `{}`, string(reqs[0].Body), "enable sends no fields")
	assert.JSONEq(t, `{"reason":"maintenance"}`, string(reqs[1].Body))
	assert.JSONEq(t, `{}`, string(reqs[2].Body), "no reason, no field")

	for _, name := range []string{"paperclip_enable_plugin", "paperclip_disable_plugin"} {
		def := findTool(t, name).Def()
		assert.Contains(t, def.Description, "instance admin", name)
		assert.True(t, *def.Annotations.IdempotentHint, name)
		assert.False(t, *def.Annotations.ReadOnlyHint, name)
		assert.NotContains(t, string(def.RawInputSchema), "response_format", "%s: a write takes no response_format", name)
	}
}

func TestEnableAPluginAlreadyReadyChangesNothing(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/plugins/{pluginKey}/enable", 400, map[string]any{"error": "Cannot enable plugin in status 'ready'. Plugin must be in 'disabled', 'error', or 'upgrade_pending' status to be enabled."})
	s.reply("POST /api/plugins/{pluginKey}/disable", 400, map[string]any{"error": "Cannot disable plugin in status 'installed'. Plugin must be in 'ready' status to be disabled."})
	s.handle("GET /api/plugins/{pluginKey}", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		status := map[string]string{"acme.ready": "ready", "acme.installed": "installed"}[r.PathValue("pluginKey")]
		writeJSON(w, 200, pluginRow(testPluginID, r.PathValue("pluginKey"), status, nil))
	})
	d := s.deps(client.Config{})

	var v PluginView
	md := callOK(t, d, "paperclip_enable_plugin", map[string]any{"pluginKey": "acme.ready"}, &v)
	assert.Equal(t, "ready", v.Status)
	assert.Equal(t, "It was already ready: nothing changed.", v.Note)
	assert.Contains(t, md, "## Plugin Acme acme.ready (`acme.ready`): ready\nIt was already ready: nothing changed.")

	msg := callErr(t, d, "paperclip_enable_plugin", map[string]any{"pluginKey": "acme.installed"})
	assert.Contains(t, msg, "400 Cannot enable plugin in status 'ready'", "the state read back is not ready: Paperclip's refusal stands")
	msg = callErr(t, d, "paperclip_disable_plugin", map[string]any{"pluginKey": "acme.installed"})
	assert.Contains(t, msg, "400 Cannot disable plugin in status 'installed'")
	var methods []string
	for _, r := range s.requests() {
		methods = append(methods, r.Method+" "+r.Path)
	}
	assert.Equal(t, []string{"POST /api/plugins/acme.ready/enable", "GET /api/plugins/acme.ready",
		"POST /api/plugins/acme.installed/enable", "GET /api/plugins/acme.installed",
		"POST /api/plugins/acme.installed/disable", "GET /api/plugins/acme.installed"}, methods)
}

func TestEnableDisableUnknownOrForbiddenPlugin(t *testing.T) {
	s := newStub(t)
	s.reply("POST /api/plugins/{pluginKey}/enable", 404, map[string]any{"error": "Plugin not found"})
	s.reply("POST /api/plugins/{pluginKey}/disable", 403, map[string]any{"error": "Instance admin access required"})
	d := s.deps(client.Config{})

	msg := callErr(t, d, "paperclip_enable_plugin", map[string]any{"pluginKey": "acme.nope"})
	assert.Contains(t, msg, "404 Plugin not found")
	assert.Contains(t, msg, "paperclip_list_plugins")
	msg = callErr(t, d, "paperclip_disable_plugin", map[string]any{"pluginKey": "acme.x"})
	assert.Contains(t, msg, "403 Instance admin access required")
	assert.Contains(t, msg, "needs a board user who is an instance admin")
	assert.Len(t, s.requests(), 2, "a 404 or 403 is not followed by a read-back")

	n := len(s.requests())
	assert.NotEmpty(t, callErr(t, d, "paperclip_disable_plugin", map[string]any{"pluginKey": "..", "reason": "x"}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_enable_plugin", map[string]any{}))
	assert.NotEmpty(t, callErr(t, d, "paperclip_enable_plugin", map[string]any{"pluginKey": "x", "response_format": "json"}), "a write takes no response_format")
	assert.Len(t, s.requests(), n, "refused before sending")
}
