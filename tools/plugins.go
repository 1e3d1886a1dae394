package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Every plugin route wants a board actor (agent keys and run JWTs get 403
// "Board access required"); install, enable and disable want an instance
// admin besides (403 "Instance admin access required").

const findPlugin = "pluginKey is the plugin's manifest id (e.g. acme.linear) or id, not its npm package name: find keys with paperclip_list_plugins."

// PluginView is one installed plugin.
type PluginView struct {
	ID          string   `json:"id"`
	PluginKey   string   `json:"pluginKey"`
	PackageName string   `json:"packageName"`
	Version     string   `json:"version"`
	Status      string   `json:"status"`
	DisplayName string   `json:"displayName,omitempty"`
	Description string   `json:"description,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	// LastError is the most recent error, or the reason given on disable.
	LastError   string `json:"lastError,omitempty"`
	PackagePath string `json:"packagePath,omitempty"`
	// Capabilities and SupportsConfigTest are shown by paperclip_get_plugin only.
	Capabilities       []string `json:"capabilities,omitempty"`
	SupportsConfigTest *bool    `json:"supportsConfigTest,omitempty"`
	InstalledAt        string   `json:"installedAt"`
	UpdatedAt          string   `json:"updatedAt"`
	// Note says what a write did when it changed nothing.
	Note string `json:"note,omitempty"`
}

// pluginView is a plugin for a list line, or in full (description,
// capabilities, config test) for one plugin.
func pluginView(p *client.Plugin, full bool) PluginView {
	v := PluginView{ID: p.ID, PluginKey: p.PluginKey, PackageName: p.PackageName, Version: p.Version, Status: p.Status,
		DisplayName: p.Manifest.DisplayName, Categories: p.Categories, LastError: clip(str(p.LastError), 300),
		PackagePath: str(p.PackagePath), InstalledAt: p.InstalledAt, UpdatedAt: p.UpdatedAt}
	if full {
		v.Description = clip(p.Manifest.Description, 4000)
		v.LastError = clip(str(p.LastError), 4000)
		v.Capabilities = p.Manifest.Capabilities
		v.SupportsConfigTest = p.SupportsConfigTest
	}
	return v
}

// pluginProblem names LastError for what it is: a reason when disabled.
func pluginProblem(v PluginView) string {
	if v.LastError == "" {
		return ""
	}
	if v.Status == "disabled" {
		return "reason: " + v.LastError
	}
	return "error: " + v.LastError
}

func pluginLine(v PluginView) string {
	s := fmt.Sprintf("- **%s** `%s` · %s@%s · %s", orDash(v.DisplayName), v.PluginKey, v.PackageName, v.Version, v.Status)
	if p := pluginProblem(v); p != "" {
		s += " · " + oneLine(p, 200)
	}
	return s
}

// pluginNext is the call that changes the plugin's state, if any.
func pluginNext(v PluginView) string {
	switch v.Status {
	case "ready":
		return fmt.Sprintf("Next: paperclip_disable_plugin pluginKey=%s stops it.", v.PluginKey)
	case "disabled", "error", "upgrade_pending":
		return fmt.Sprintf("Next: paperclip_enable_plugin pluginKey=%s makes it ready.", v.PluginKey)
	}
	return ""
}

func pluginMarkdown(title string, v PluginView) string {
	var m md
	m.line("## %s %s (`%s`): %s", title, orDash(v.DisplayName), v.PluginKey, v.Status)
	if v.Note != "" {
		m.line("%s", v.Note)
	}
	m.line("- package %s@%s · id `%s`%s", v.PackageName, v.Version, v.ID, wrapped(" · from ", v.PackagePath, ""))
	if p := pluginProblem(v); p != "" {
		m.line("- %s", oneLine(p, 4000))
	}
	if len(v.Categories) > 0 {
		m.line("- categories: %s", strings.Join(v.Categories, ", "))
	}
	if len(v.Capabilities) > 0 {
		m.line("- capabilities: %s", strings.Join(v.Capabilities, ", "))
	}
	if v.SupportsConfigTest != nil {
		m.line("- config test supported: %t", *v.SupportsConfigTest)
	}
	m.line("- installed %s · updated %s", shortTime(v.InstalledAt), shortTime(v.UpdatedAt))
	if v.Description != "" {
		m.blank()
		m.line("%s", v.Description)
	}
	if next := pluginNext(v); next != "" {
		m.blank()
		m.line("%s", next)
	}
	return m.String()
}

// PluginKeyArg identifies one plugin.
type PluginKeyArg struct {
	PluginKey string `json:"pluginKey" jsonschema:"minLength=1,maxLength=300,description=Plugin key (e.g. acme.linear) or id"`
}

func (a PluginKeyArg) key() (string, error) {
	k := strings.TrimSpace(a.PluginKey)
	if k == "" || k == "." || k == ".." {
		return "", inputErrorf("pluginKey %q is not a plugin key. %s", a.PluginKey, findPlugin)
	}
	return k, nil
}

// ListPluginsArgs are the arguments of paperclip_list_plugins.
type ListPluginsArgs struct {
	Status string `json:"status,omitempty" jsonschema:"enum=installed,enum=ready,enum=disabled,enum=error,enum=upgrade_pending,enum=uninstalled,description=Only this status; all but uninstalled when left out"`
	Paging
	Format
}

func listPlugins(ctx context.Context, d *Deps, a ListPluginsArgs) (Page[PluginView], error) {
	all, err := d.Client.ListPlugins(ctx, a.Status)
	if err != nil {
		return Page[PluginView]{Items: []PluginView{}, Offset: a.Offset, Limit: a.Limit}, err
	}
	return pageFrom(all, a.Offset, a.Limit, true, func(p *client.Plugin) PluginView { return pluginView(p, false) }), nil
}

func listPluginsMarkdown(a ListPluginsArgs, p Page[PluginView]) string {
	var m md
	which := "Plugins"
	if a.Status != "" {
		which = "Plugins with status " + a.Status
	}
	m.line("## %s: %d shown from offset %d (%d in all)", which, p.Count, p.Offset, *p.Total)
	if *p.Total == 0 {
		m.line("No plugins%s. paperclip_list_plugin_examples lists the bundled ones; paperclip_install_plugin installs one.", wrapped(" with status ", a.Status, ""))
	}
	for _, v := range p.Items {
		m.line("%s", pluginLine(v))
	}
	more := ""
	if a.Status != "" {
		more = " and status=" + a.Status
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_plugins", more)
	if p.Count > 0 {
		m.line("Next: paperclip_get_plugin pluginKey=%s shows one plugin's details.", p.Items[0].PluginKey)
	}
	return m.String()
}

func listPluginsTool() Tool {
	return define(Spec{Name: "paperclip_list_plugins", Title: "List plugins", Toolset: Plugins, BoardOnly: true,
		Description: "Board only: the instance's installed plugins with key, package, version, status and last error; filter by status.",
		Access:      Read},
		listPlugins, listPluginsMarkdown)
}

// GetPluginArgs identify one plugin.
type GetPluginArgs struct {
	PluginKeyArg
	Format
}

func getPlugin(ctx context.Context, d *Deps, a GetPluginArgs) (PluginView, error) {
	key, err := a.key()
	if err != nil {
		return PluginView{}, err
	}
	p, err := d.Client.GetPlugin(ctx, key)
	if err != nil {
		return PluginView{}, err
	}
	return pluginView(p, true), nil
}

func getPluginMarkdown(_ GetPluginArgs, v PluginView) string { return pluginMarkdown("Plugin", v) }

func getPluginTool() Tool {
	return define(Spec{Name: "paperclip_get_plugin", Title: "Get a plugin", Toolset: Plugins, BoardOnly: true,
		Description: "Board only: one plugin by key, with package, version, status, last error, capabilities and whether it supports a config test.",
		Access:      Read, NotFound: findPlugin},
		getPlugin, getPluginMarkdown)
}

// PluginExampleView is one plugin package bundled with the server.
type PluginExampleView struct {
	PluginKey    string `json:"pluginKey"`
	PackageName  string `json:"packageName"`
	DisplayName  string `json:"displayName"`
	Description  string `json:"description,omitempty"`
	LocalPath    string `json:"localPath"`
	Tag          string `json:"tag" jsonschema:"description=first-party or example"`
	Experimental bool   `json:"experimental"`
	// Built is false when the package's entrypoints are not built yet:
	// installing it then builds it first.
	Built bool `json:"built"`
}

// PluginExamples are the plugin packages bundled with the server.
type PluginExamples struct {
	Items []PluginExampleView `json:"items"`
	Count int                 `json:"count"`
}

// ListPluginExamplesArgs are the arguments of paperclip_list_plugin_examples.
type ListPluginExamplesArgs struct {
	Format
}

func listPluginExamples(ctx context.Context, d *Deps, _ ListPluginExamplesArgs) (PluginExamples, error) {
	out := PluginExamples{Items: []PluginExampleView{}}
	all, err := d.Client.ListPluginExamples(ctx)
	if err != nil {
		return out, err
	}
	for _, e := range all {
		out.Items = append(out.Items, PluginExampleView{PluginKey: e.PluginKey, PackageName: e.PackageName, DisplayName: e.DisplayName,
			Description: clip(e.Description, 300), LocalPath: e.LocalPath, Tag: e.Tag, Experimental: e.Experimental, Built: e.HasBuiltEntrypoints})
	}
	out.Count = len(out.Items)
	return out, nil
}

func listPluginExamplesMarkdown(_ ListPluginExamplesArgs, r PluginExamples) string {
	var m md
	m.line("## Plugin packages bundled with this server: %d", r.Count)
	if r.Count == 0 {
		m.line("None: this server ships no plugin packages (only a source checkout has packages/plugins). paperclip_install_plugin installs one from npm or a local path.")
		return m.String()
	}
	for _, e := range r.Items {
		s := fmt.Sprintf("- **%s** `%s` · %s · %s", orDash(e.DisplayName), e.PluginKey, e.PackageName, orDash(e.Tag))
		if e.Experimental {
			s += " · experimental"
		}
		if !e.Built {
			s += " · not built"
		}
		m.line("%s · path %s", s, e.LocalPath)
	}
	m.line("Next: paperclip_install_plugin packageName=<path> isLocalPath=true installs one.")
	return m.String()
}

func listPluginExamplesTool() Tool {
	return define(Spec{Name: "paperclip_list_plugin_examples", Title: "List bundled plugins", Toolset: Plugins, BoardOnly: true,
		Description: "Board only: plugin packages bundled with this server, each with the local path paperclip_install_plugin takes (isLocalPath=true).",
		Access:      Read},
		listPluginExamples, listPluginExamplesMarkdown)
}

// InstallPluginArgs are the arguments of paperclip_install_plugin.
type InstallPluginArgs struct {
	PackageName string `json:"packageName" jsonschema:"minLength=1,maxLength=1000,description=npm package name; or a directory on the server with isLocalPath"`
	Version     string `json:"version,omitempty" jsonschema:"maxLength=100,description=npm version or tag; latest when left out"`
	IsLocalPath bool   `json:"isLocalPath,omitempty" jsonschema:"default=false,description=packageName is a path on the Paperclip host"`
}

func installPlugin(ctx context.Context, d *Deps, a InstallPluginArgs) (PluginView, error) {
	name := strings.TrimSpace(a.PackageName)
	if name == "" {
		return PluginView{}, inputErrorf("packageName is blank: give an npm package name, or a local path with isLocalPath=true.")
	}
	version := strings.TrimSpace(a.Version)
	if version != "" && a.IsLocalPath {
		return PluginView{}, inputErrorf("version applies to npm installs only: leave it out with isLocalPath=true (the path's package.json says the version).")
	}
	p, err := d.Client.InstallPlugin(ctx, client.PluginInstall{PackageName: name, Version: nonEmpty(version), IsLocalPath: a.IsLocalPath})
	if err != nil {
		return PluginView{}, installErr(err)
	}
	return pluginView(p, true), nil
}

// installErr says what the two install failures that are not about the
// arguments mean: the plugin is there already, or the answer did not come
// in time while the server may still be installing.
func installErr(err error) error {
	var te *client.TransportError
	if errors.As(err, &te) && te.Timeout {
		return inputErrorf("Paperclip did not answer POST /api/plugins/install in time; an npm install can take up to 2 minutes and may still finish on the server. " +
			"Check paperclip_list_plugins before calling again (a second install of the same plugin is refused), or raise PAPERCLIP_MCP_TIMEOUT.")
	}
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == 400 {
		if key, ok := strings.CutPrefix(apiErr.Message, "Plugin already installed: "); ok {
			return inputErrorf("%s is already installed (400 %s): nothing changed. paperclip_get_plugin pluginKey=%s shows it; paperclip_enable_plugin restarts it if disabled.",
				key, apiErr.Message, key)
		}
	}
	return err
}

func installPluginMarkdown(_ InstallPluginArgs, v PluginView) string {
	return pluginMarkdown("Installed plugin", v)
}

func installPluginTool() Tool {
	return define(Spec{Name: "paperclip_install_plugin", Title: "Install a plugin", Toolset: Plugins, BoardOnly: true, OpenWorld: true,
		Description: "Board only, and the board user must be an instance admin: install a plugin from npm (or a local path on the server) and load it.",
		Access:      Write},
		installPlugin, installPluginMarkdown)
}

// already is the plugin's current state when a lifecycle change was
// refused (400) because the plugin is already where the call would take
// it; nil when it is not.
func (d *Deps) already(ctx context.Context, key string, err error, status string) *PluginView {
	if apiErr, ok := client.AsAPIError(err); !ok || apiErr.Status != 400 {
		return nil
	}
	p, gerr := d.Client.GetPlugin(ctx, key)
	if gerr != nil || p.Status != status {
		return nil
	}
	v := pluginView(p, true)
	v.Note = fmt.Sprintf("It was already %s: nothing changed.", status)
	return &v
}

// EnablePluginArgs are the arguments of paperclip_enable_plugin.
type EnablePluginArgs struct {
	PluginKeyArg
}

func enablePlugin(ctx context.Context, d *Deps, a EnablePluginArgs) (PluginView, error) {
	key, err := a.key()
	if err != nil {
		return PluginView{}, err
	}
	p, err := d.Client.EnablePlugin(ctx, key)
	if err != nil {
		if v := d.already(ctx, key, err, "ready"); v != nil {
			return *v, nil
		}
		return PluginView{}, err
	}
	return pluginView(p, true), nil
}

func enablePluginMarkdown(_ EnablePluginArgs, v PluginView) string {
	return pluginMarkdown(changed(v, "Enabled plugin"), v)
}

// changed is the title of a lifecycle answer: "Plugin" when nothing changed.
func changed(v PluginView, title string) string {
	if v.Note != "" {
		return "Plugin"
	}
	return title
}

func enablePluginTool() Tool {
	return define(Spec{Name: "paperclip_enable_plugin", Title: "Enable a plugin", Toolset: Plugins, BoardOnly: true,
		Description: "Board only, and the board user must be an instance admin: make a disabled or failed plugin ready again.",
		Access:      WriteIdempotent, NotFound: findPlugin},
		enablePlugin, enablePluginMarkdown)
}

// DisablePluginArgs are the arguments of paperclip_disable_plugin.
type DisablePluginArgs struct {
	PluginKeyArg
	Reason string `json:"reason,omitempty" jsonschema:"maxLength=1000,description=Kept as the plugin's lastError"`
}

func disablePlugin(ctx context.Context, d *Deps, a DisablePluginArgs) (PluginView, error) {
	key, err := a.key()
	if err != nil {
		return PluginView{}, err
	}
	p, err := d.Client.DisablePlugin(ctx, key, strings.TrimSpace(a.Reason))
	if err != nil {
		if v := d.already(ctx, key, err, "disabled"); v != nil {
			return *v, nil
		}
		return PluginView{}, err
	}
	return pluginView(p, true), nil
}

func disablePluginMarkdown(_ DisablePluginArgs, v PluginView) string {
	return pluginMarkdown(changed(v, "Disabled plugin"), v)
}

func disablePluginTool() Tool {
	return define(Spec{Name: "paperclip_disable_plugin", Title: "Disable a plugin", Toolset: Plugins, BoardOnly: true,
		Description: "Board only, and the board user must be an instance admin: stop a ready plugin; it stays installed and paperclip_enable_plugin restarts it.",
		Access:      WriteIdempotent, NotFound: findPlugin},
		disablePlugin, disablePluginMarkdown)
}

// pluginTools is the plugins toolset.
func pluginTools() []Tool {
	return []Tool{listPluginsTool(), getPluginTool(), listPluginExamplesTool(), installPluginTool(), enablePluginTool(), disablePluginTool()}
}
