package tools

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// cloudSyncFlag is the experimental setting that turns on cloud upstream sync.
const cloudSyncFlag = "enableCloudSync"

// ---------------------------------------------------------------- get

// ExperimentalSettingsArgs are the arguments of paperclip_get_experimental_settings.
type ExperimentalSettingsArgs struct {
	Format
}

// ExperimentalFlag is one boolean experimental setting.
type ExperimentalFlag struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// SettingValue is one experimental setting that is not a boolean.
type SettingValue struct {
	Name  string `json:"name"`
	Value string `json:"value" jsonschema:"description=The value as JSON text (e.g. null or 24)"`
}

// ExperimentalSettings is the instance's experimental settings.
type ExperimentalSettings struct {
	Flags []ExperimentalFlag `json:"flags" jsonschema:"description=Every boolean setting\\, sorted by name"`
	Other []SettingValue     `json:"other" jsonschema:"description=Settings that are not booleans (timestamps\\, numbers)"`
	// CloudSyncKnown is false on servers that have no enableCloudSync at all.
	CloudSyncKnown   bool   `json:"cloudSyncKnown" jsonschema:"description=Whether this server knows enableCloudSync at all"`
	CloudSyncEnabled bool   `json:"cloudSyncEnabled"`
	ServerVersion    string `json:"serverVersion,omitempty" jsonschema:"description=Paperclip version from /api/health\\, when it gives one"`
}

func settingsView(s *client.ExperimentalSettings, version string) ExperimentalSettings {
	out := ExperimentalSettings{Flags: []ExperimentalFlag{}, Other: []SettingValue{}, ServerVersion: version}
	if s == nil {
		return out
	}
	for _, name := range s.FlagNames() {
		out.Flags = append(out.Flags, ExperimentalFlag{Name: name, Enabled: s.Flags[name]})
	}
	names := make([]string, 0, len(s.Other))
	for k := range s.Other {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out.Other = append(out.Other, SettingValue{Name: k, Value: clip(strings.TrimSpace(string(s.Other[k])), 200)})
	}
	out.CloudSyncEnabled, out.CloudSyncKnown = s.Flags[cloudSyncFlag]
	if !out.CloudSyncKnown {
		out.CloudSyncKnown = s.Has(cloudSyncFlag)
	}
	return out
}

// serverVersion reads /api/health's version; "" when it gives none.
func (d *Deps) serverVersion(ctx context.Context) string {
	h, err := d.Client.Health(ctx)
	if err != nil || h == nil {
		return ""
	}
	return h.Version
}

func getExperimentalSettings(ctx context.Context, d *Deps, _ ExperimentalSettingsArgs) (ExperimentalSettings, error) {
	s, err := d.Client.GetExperimentalSettings(ctx)
	if err != nil {
		return settingsView(nil, ""), err
	}
	return settingsView(s, d.serverVersion(ctx)), nil
}

func versionText(v string) string {
	if v == "" {
		return "version not reported"
	}
	return "version " + v
}

func settingsMarkdown(m *md, s ExperimentalSettings) {
	var on, off []string
	for _, f := range s.Flags {
		if f.Enabled {
			on = append(on, f.Name)
		} else {
			off = append(off, f.Name)
		}
	}
	m.line("- on (%d): %s", len(on), orDash(strings.Join(on, ", ")))
	m.line("- off (%d): %s", len(off), orDash(strings.Join(off, ", ")))
	for _, o := range s.Other {
		m.line("- %s = %s", o.Name, o.Value)
	}
}

func getExperimentalSettingsMarkdown(_ ExperimentalSettingsArgs, s ExperimentalSettings) string {
	var m md
	m.line("## Experimental settings (Paperclip %s)", versionText(s.ServerVersion))
	switch {
	case !s.CloudSyncKnown:
		m.line("Cloud upstream sync: this server has no enableCloudSync setting; it cannot do cloud upstream sync.")
	case s.CloudSyncEnabled:
		m.line("Cloud upstream sync: enableCloudSync is on.")
	default:
		m.line("Cloud upstream sync: enableCloudSync is off; paperclip_update_experimental_settings enableCloudSync=true turns it on.")
	}
	settingsMarkdown(&m, s)
	return m.String()
}

// getExperimentalSettingsTool declares paperclip_get_experimental_settings.
func getExperimentalSettingsTool() Tool {
	return define(Spec{Name: "paperclip_get_experimental_settings", Title: "Get experimental settings", Toolset: Settings, BoardOnly: true,
		Description: "The Paperclip instance's experimental settings: every boolean flag (on/off) and the other values, plus whether this server knows enableCloudSync " +
			"(the flag cloud upstream sync needs) and its version. Change flags with paperclip_update_experimental_settings.",
		Access: Read},
		getExperimentalSettings, getExperimentalSettingsMarkdown)
}

// ---------------------------------------------------------------- update

// UpdateExperimentalSettingsArgs are the flags to set; only those given change.
// The names are Paperclip's own (2026.722.0 and 2026.916.1); a server that
// does not know one drops it, and the result says so.
type UpdateExperimentalSettingsArgs struct {
	EnableCloudSync                       *bool `json:"enableCloudSync,omitempty" jsonschema:"description=Cloud upstream sync (push a local company into a Paperclip Cloud stack)"`
	EnableEnvironments                    *bool `json:"enableEnvironments,omitempty"`
	EnableNativeRunner                    *bool `json:"enableNativeRunner,omitempty"`
	EnableManagedSandboxOnly              *bool `json:"enableManagedSandboxOnly,omitempty"`
	EnableIsolatedWorkspaces              *bool `json:"enableIsolatedWorkspaces,omitempty"`
	EnableIsolatedWorkspacesByDefault     *bool `json:"enableIsolatedWorkspacesByDefault,omitempty"`
	EnableStreamlinedLeftNavigation       *bool `json:"enableStreamlinedLeftNavigation,omitempty"`
	EnableStreamlinedUI                   *bool `json:"enableStreamlinedUi,omitempty"`
	EnableApps                            *bool `json:"enableApps,omitempty"`
	EnableChatConnectors                  *bool `json:"enableChatConnectors,omitempty"`
	EnablePipelines                       *bool `json:"enablePipelines,omitempty"`
	EnableCases                           *bool `json:"enableCases,omitempty"`
	EnableAgentChat                       *bool `json:"enableAgentChat,omitempty"`
	EnableConferenceRoomChat              *bool `json:"enableConferenceRoomChat,omitempty"`
	EnableClassicTaskInterface            *bool `json:"enableClassicTaskInterface,omitempty"`
	EnableIssuePlanDecompositions         *bool `json:"enableIssuePlanDecompositions,omitempty"`
	EnableExperimentalFileViewer          *bool `json:"enableExperimentalFileViewer,omitempty"`
	EnableExternalObjects                 *bool `json:"enableExternalObjects,omitempty"`
	EnableSmokeLab                        *bool `json:"enableSmokeLab,omitempty"`
	EnableBuiltInAgents                   *bool `json:"enableBuiltInAgents,omitempty"`
	EnableBetaSkills                      *bool `json:"enableBetaSkills,omitempty"`
	EnableSummaries                       *bool `json:"enableSummaries,omitempty"`
	EnableStatusCards                     *bool `json:"enableStatusCards,omitempty"`
	EnableDecisions                       *bool `json:"enableDecisions,omitempty"`
	EnableGoalsSidebarLink                *bool `json:"enableGoalsSidebarLink,omitempty"`
	EnableServerInfoDebugView             *bool `json:"enableServerInfoDebugView,omitempty"`
	EnablePaperclipDeveloperMode          *bool `json:"enablePaperclipDeveloperMode,omitempty"`
	EnableSimplifiedEnglishInteractions   *bool `json:"enableSimplifiedEnglishInteractions,omitempty"`
	EnableFirstTaskPlanProposal           *bool `json:"enableFirstTaskPlanProposal,omitempty"`
	AutoRestartDevServerWhenIdle          *bool `json:"autoRestartDevServerWhenIdle,omitempty"`
	EnableWorkspaceBranchReconcileForward *bool `json:"enableWorkspaceBranchReconcileForward,omitempty"`
	EnableWorkspaceDirtyQuarantineRepair  *bool `json:"enableWorkspaceDirtyQuarantineRepair,omitempty"`
	EnableOwnerInstanceAdmin              *bool `json:"enableOwnerInstanceAdmin,omitempty"`
	EnableSandboxDuplexBridge             *bool `json:"enableSandboxDuplexBridge,omitempty"`
	EnableRunnerPreviewIngress            *bool `json:"enableRunnerPreviewIngress,omitempty"`
	EnableWorktreeRunExecution            *bool `json:"enableWorktreeRunExecution,omitempty"`
	EnableTaskWatchdogs                   *bool `json:"enableTaskWatchdogs,omitempty"`
	EnableIssueGraphLivenessAutoRecovery  *bool `json:"enableIssueGraphLivenessAutoRecovery,omitempty"`
}

// requested lists the flags given, by their JSON names.
func (a UpdateExperimentalSettingsArgs) requested() map[string]bool {
	out := map[string]bool{}
	v := reflect.ValueOf(a)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		out[name] = f.Elem().Bool()
	}
	return out
}

// FlagChange is what became of one requested flag.
type FlagChange struct {
	Name      string `json:"name"`
	Requested bool   `json:"requested"`
	Before    *bool  `json:"before,omitempty" jsonschema:"description=The value before; absent when the server did not know the flag"`
	After     *bool  `json:"after,omitempty" jsonschema:"description=The value stored now; absent when the server dropped the flag"`
	Outcome   string `json:"outcome" jsonschema:"enum=changed,enum=unchanged,enum=dropped,enum=not_applied,description=changed: stored; unchanged: it already had that value; dropped: the server does not know the flag and did not store it; not_applied: the server kept another value"`
	Message   string `json:"message"`
}

// UpdateSettingsResult compares what was asked with what the server stored.
type UpdateSettingsResult struct {
	Changes    []FlagChange         `json:"changes"`
	AllApplied bool                 `json:"allApplied" jsonschema:"description=True when every requested flag now has the requested value"`
	Dropped    []string             `json:"dropped" jsonschema:"description=Flags the server does not know and did not store"`
	NotApplied []string             `json:"notApplied" jsonschema:"description=Flags the server knows but did not set as asked"`
	Message    string               `json:"message"`
	Settings   ExperimentalSettings `json:"settings" jsonschema:"description=The settings as stored after the update"`
}

func updateExperimentalSettings(ctx context.Context, d *Deps, a UpdateExperimentalSettingsArgs) (UpdateSettingsResult, error) {
	res := UpdateSettingsResult{Changes: []FlagChange{}, Dropped: []string{}, NotApplied: []string{}, Settings: settingsView(nil, "")}
	want := a.requested()
	if len(want) == 0 {
		return res, inputErrorf("Give at least one flag to change, e.g. enableCloudSync=true. paperclip_get_experimental_settings lists the flags this server has.")
	}
	before, err := d.Client.GetExperimentalSettings(ctx)
	if err != nil {
		return res, err
	}
	patched, err := d.Client.UpdateExperimentalSettings(ctx, want)
	if err != nil {
		return res, err
	}
	// Read back what was stored: the PATCH answer could differ from what persists.
	after, err := d.Client.GetExperimentalSettings(ctx)
	if err != nil {
		after = patched
	}
	version := d.serverVersion(ctx)
	res.Settings = settingsView(after, version)

	names := make([]string, 0, len(want))
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		c := FlagChange{Name: name, Requested: want[name]}
		if v, ok := before.Flags[name]; ok {
			c.Before = &v
		}
		v, stored := after.Flags[name]
		if stored {
			c.After = &v
		}
		switch {
		case !stored:
			c.Outcome = "dropped"
			c.Message = fmt.Sprintf("%s was not stored: this Paperclip server (%s) does not know it.", name, versionText(version))
			if name == cloudSyncFlag {
				c.Message += " This server cannot do cloud upstream sync; the cloud tools will say so."
			}
			res.Dropped = append(res.Dropped, name)
		case v != want[name]:
			c.Outcome = "not_applied"
			c.Message = fmt.Sprintf("%s is still %t: the server answered 200 but kept its value.", name, v)
			res.NotApplied = append(res.NotApplied, name)
		case c.Before != nil && *c.Before == v:
			c.Outcome = "unchanged"
			c.Message = fmt.Sprintf("%s was already %t.", name, v)
		default:
			c.Outcome = "changed"
			c.Message = fmt.Sprintf("%s is now %t.", name, v)
		}
		res.Changes = append(res.Changes, c)
	}
	res.AllApplied = len(res.Dropped) == 0 && len(res.NotApplied) == 0
	if failed := len(res.Dropped) + len(res.NotApplied); failed == len(names) {
		// Nothing of the request took effect: that is a failure, not a result.
		why := make([]string, 0, len(res.Changes))
		for _, c := range res.Changes {
			why = append(why, c.Message)
		}
		next := "paperclip_get_experimental_settings lists the flags this server stores."
		return res, inputErrorf("No flag of the request took effect (%s): %s %s", strings.Join(names, ", "), strings.Join(why, " "), next)
	}
	if res.AllApplied {
		res.Message = fmt.Sprintf("All %d requested flag(s) are stored as asked.", len(names))
	} else {
		res.Message = fmt.Sprintf("Only part of the update took effect: %d of %d requested flag(s) are not stored as asked (%s).",
			len(res.Dropped)+len(res.NotApplied), len(names), strings.Join(append(append([]string{}, res.Dropped...), res.NotApplied...), ", "))
	}
	return res, nil
}

func updateExperimentalSettingsMarkdown(_ UpdateExperimentalSettingsArgs, r UpdateSettingsResult) string {
	var m md
	m.line("%s", r.Message)
	for _, c := range r.Changes {
		m.line("- %s: %s %s", c.Name, strings.ReplaceAll(c.Outcome, "_", " "), prefixed("· ", c.Message))
	}
	for _, c := range r.Changes {
		if c.Name == cloudSyncFlag && c.Outcome != "dropped" && c.Outcome != "not_applied" && c.Requested {
			m.line("Next: paperclip_check_cloud_upstream remoteUrl=<your cloud stack> checks the target; then paperclip_start_cloud_connect.")
		}
	}
	return m.String()
}

// updateExperimentalSettingsTool declares paperclip_update_experimental_settings.
func updateExperimentalSettingsTool() Tool {
	return define(Spec{Name: "paperclip_update_experimental_settings", Title: "Update experimental settings", Toolset: Settings, BoardOnly: true,
		Description: "Set experimental flags of the Paperclip instance (instance admin); only those given change, e.g. enableCloudSync=true before cloud upstream sync. " +
			"Paperclip silently drops flags it does not know and still answers 200, so this tool reads the settings back and reports, flag by flag, " +
			"what was stored, what was already so, and what the server dropped or kept.",
		Access: WriteIdempotent},
		updateExperimentalSettings, updateExperimentalSettingsMarkdown)
}

func settingsTools() []Tool {
	return []Tool{getExperimentalSettingsTool(), updateExperimentalSettingsTool()}
}
