package client

import (
	"context"
	"net/http"
	"net/url"
)

// Plugin is a plugin record as Paperclip returns it (the fields this server
// uses). GET /api/plugins/{pluginId} adds SupportsConfigTest.
type Plugin struct {
	ID          string         `json:"id"`
	PluginKey   string         `json:"pluginKey"`
	PackageName string         `json:"packageName"`
	Version     string         `json:"version"`
	APIVersion  int            `json:"apiVersion"`
	Categories  []string       `json:"categories"`
	Manifest    PluginManifest `json:"manifestJson"`
	Status      string         `json:"status"`
	PackagePath *string        `json:"packagePath"`
	// LastError is the most recent error, or the reason given on disable.
	LastError          *string `json:"lastError"`
	InstalledAt        string  `json:"installedAt"`
	UpdatedAt          string  `json:"updatedAt"`
	SupportsConfigTest *bool   `json:"supportsConfigTest,omitempty"`
}

// PluginManifest is the part of a plugin's manifest snapshot this server uses.
type PluginManifest struct {
	ID           string   `json:"id"`
	DisplayName  string   `json:"displayName"`
	Description  string   `json:"description"`
	Author       string   `json:"author"`
	Capabilities []string `json:"capabilities"`
}

// PluginExample is a plugin package bundled with the server, installable by
// its LocalPath (GET /api/plugins/examples).
type PluginExample struct {
	PackageName         string `json:"packageName"`
	PluginKey           string `json:"pluginKey"`
	DisplayName         string `json:"displayName"`
	Description         string `json:"description"`
	LocalPath           string `json:"localPath"`
	Tag                 string `json:"tag"`
	Experimental        bool   `json:"experimental"`
	HasBuiltEntrypoints bool   `json:"hasBuiltEntrypoints"`
}

// PluginInstall is the body of POST /api/plugins/install. Version is left
// out when nil: Paperclip answers 400 to a version that is not a string,
// and null is not one.
type PluginInstall struct {
	PackageName string  `json:"packageName"`
	Version     *string `json:"version,omitempty"`
	IsLocalPath bool    `json:"isLocalPath"`
}

// ListPlugins lists installed plugins (GET /api/plugins; no paging). An
// empty status lists every plugin that is not uninstalled; a status outside
// installed, ready, disabled, error, upgrade_pending, uninstalled answers 400.
func (c *Client) ListPlugins(ctx context.Context, status string) ([]Plugin, error) {
	var q url.Values
	if status != "" {
		q = url.Values{"status": {status}}
	}
	var out []Plugin
	err := c.do(ctx, request{route: routeListPlugins, query: q}, &out)
	return out, err
}

// GetPlugin reads one plugin by its key or id (GET /api/plugins/{pluginId});
// unknown answers 404 "Plugin not found".
func (c *Client) GetPlugin(ctx context.Context, key string) (*Plugin, error) {
	var out Plugin
	if err := c.do(ctx, request{route: routeGetPlugin, params: []string{key}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListPluginExamples lists the plugin packages bundled with the server
// (GET /api/plugins/examples); empty when the server has none.
func (c *Client) ListPluginExamples(ctx context.Context) ([]PluginExample, error) {
	var out []PluginExample
	err := c.do(ctx, request{route: routeListPluginExamples}, &out)
	return out, err
}

// InstallPlugin installs a plugin from npm or a local path
// (POST /api/plugins/install; instance admin). It answers 200 with the
// record; a failed install answers 400 with the reason.
func (c *Client) InstallPlugin(ctx context.Context, in PluginInstall) (*Plugin, error) {
	var out Plugin
	if err := c.do(ctx, request{route: routeInstallPlugin, body: in}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EnablePlugin moves a disabled, error or upgrade_pending plugin to ready
// (POST /api/plugins/{pluginId}/enable; instance admin). Any other status
// answers 400.
func (c *Client) EnablePlugin(ctx context.Context, key string) (*Plugin, error) {
	var out Plugin
	if err := c.do(ctx, request{route: routeEnablePlugin, params: []string{key}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DisablePlugin moves a ready plugin to disabled, keeping reason as its
// lastError (POST /api/plugins/{pluginId}/disable; instance admin). Any
// other status answers 400.
func (c *Client) DisablePlugin(ctx context.Context, key, reason string) (*Plugin, error) {
	var body struct {
		Reason string `json:"reason,omitempty"`
	}
	body.Reason = reason
	var out Plugin
	if err := c.do(ctx, request{route: routeDisablePlugin, params: []string{key}, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// The routes of this file (the drift test in test/integration finds each in
// the real server's /api/openapi.json, which names the parameter pluginId;
// it accepts a plugin key as well as the id).
var (
	routeListPlugins        = route(http.MethodGet, "/plugins")
	routeListPluginExamples = route(http.MethodGet, "/plugins/examples")
	routeInstallPlugin      = route(http.MethodPost, "/plugins/install")
	routeGetPlugin          = route(http.MethodGet, "/plugins/{pluginId}")
	routeEnablePlugin       = route(http.MethodPost, "/plugins/{pluginId}/enable")
	routeDisablePlugin      = route(http.MethodPost, "/plugins/{pluginId}/disable")
)
