package tools

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/paperclip-mcp/paperclip-mcp/client"
)

// Secrets: a value goes in (create, rotate) and never comes out. Paperclip
// never returns one; the values given here are also remembered and scrubbed
// from everything this server returns or logs afterwards (scrub.go).

const findSecret = "Find secret ids with paperclip_list_secrets."

// SecretView is a secret's metadata: there is no value in it.
type SecretView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Provider    string `json:"provider,omitempty"`
	Status      string `json:"status"`
	ManagedMode string `json:"managedMode,omitempty"`
	// ExternalRef is where an external_reference secret lives (a reference, not a value).
	ExternalRef    string `json:"externalRef,omitempty"`
	LatestVersion  int    `json:"latestVersion,omitempty"`
	Description    string `json:"description,omitempty"`
	ReferenceCount *int   `json:"referenceCount,omitempty"`
	LastRotatedAt  string `json:"lastRotatedAt,omitempty"`
	UpdatedAt      string `json:"updatedAt,omitempty"`
}

func secretView(s *client.Secret) SecretView {
	return SecretView{ID: s.ID, Name: s.Name, Key: s.Key, Provider: s.Provider, Status: s.Status, ManagedMode: s.ManagedMode,
		ExternalRef: str(s.ExternalRef), LatestVersion: s.LatestVersion, Description: oneLine(str(s.Description), 300),
		ReferenceCount: s.ReferenceCount, LastRotatedAt: str(s.LastRotatedAt), UpdatedAt: s.UpdatedAt}
}

func secretLine(s SecretView) string {
	line := fmt.Sprintf("- **%s** `%s` (key %s) · %s", s.Name, s.ID, orDash(s.Key), orDash(s.Status))
	if s.Provider != "" {
		line += " · " + s.Provider
	}
	if s.ManagedMode == "external_reference" {
		line += " · external ref " + s.ExternalRef
	}
	if s.LatestVersion > 0 {
		line += fmt.Sprintf(" · v%d", s.LatestVersion)
	}
	if s.ReferenceCount != nil {
		line += fmt.Sprintf(" · used by %d", *s.ReferenceCount)
	}
	if s.Description != "" {
		line += " · " + s.Description
	}
	return line
}

// ListSecretsArgs are the arguments of paperclip_list_secrets.
type ListSecretsArgs struct {
	CompanyArg
	Paging
	Format
}

func listSecrets(ctx context.Context, d *Deps, a ListSecretsArgs) (Page[SecretView], error) {
	page := Page[SecretView]{Items: []SecretView{}, Offset: a.Offset, Limit: a.Limit}
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return page, err
	}
	all, err := d.Client.ListSecrets(ctx, companyID)
	note := ""
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Status == http.StatusForbidden {
		// An agent may not list secrets, but may read the company's catalog
		// (names, keys, status), which is what it needs to reference one.
		all, err = d.Client.SecretCatalog(ctx, companyID)
		note = "Listed from the secrets catalog (this key is not a board key): names, keys and status only."
	}
	if err != nil {
		return page, err
	}
	if len(all) == 0 {
		if err := d.checkCompany(ctx, companyID); err != nil {
			return page, err
		}
	}
	page = pageFrom(all, a.Offset, a.Limit, true, secretView)
	page.Note = note
	return page, nil
}

func listSecretsMarkdown(_ ListSecretsArgs, p Page[SecretView]) string {
	var m md
	m.line("## Secrets: %d shown from offset %d (%d in all); values are never shown", p.Count, p.Offset, *p.Total)
	if p.Count == 0 {
		m.line("No secrets: paperclip_create_secret makes one.")
	}
	for _, s := range p.Items {
		m.line("%s", secretLine(s))
	}
	m.pageTail(p.Note, p.NextOffset, "paperclip_list_secrets", "")
	return m.String()
}

// listSecretsTool declares paperclip_list_secrets.
func listSecretsTool() Tool {
	return define(Spec{Name: "paperclip_list_secrets", Title: "List secrets", Toolset: Secrets,
		Description: "A company's secrets: name, key, provider, status, version, how many configs use each. Never a value. Agents get the catalog (names, keys, status).",
		Access:      Read, NotFound: "Check companyId. " + findCompany},
		listSecrets, listSecretsMarkdown)
}

// CreateSecretArgs are the arguments of paperclip_create_secret.
type CreateSecretArgs struct {
	CompanyArg
	Name  string `json:"name" jsonschema:"minLength=1,maxLength=200,description=Display name; Paperclip derives the key from it"`
	Value string `json:"value,omitempty" jsonschema:"description=The secret value (paperclip_managed): sent to Paperclip, never shown or logged"`
	// Provider is where the value is kept.
	Provider    string `json:"provider,omitempty" jsonschema:"enum=local_encrypted,enum=aws_secrets_manager,enum=gcp_secret_manager,enum=vault,description=Default local_encrypted"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=2000"`
	ExternalRef string `json:"externalRef,omitempty" jsonschema:"description=A secret held by the provider (external_reference mode; then no value)"`
	ManagedMode string `json:"managedMode,omitempty" jsonschema:"enum=paperclip_managed,enum=external_reference,description=Default: external_reference when externalRef is given"`
}

// secretMode checks value, externalRef, managedMode and provider together,
// as Paperclip will, and picks the mode: externalRef goes only with
// external_reference, a value only with paperclip_managed.
func secretMode(a CreateSecretArgs) (string, error) {
	value, ref := strings.TrimSpace(a.Value) != "", strings.TrimSpace(a.ExternalRef) != ""
	mode := a.ManagedMode
	if mode == "" {
		mode = "paperclip_managed"
		if ref {
			mode = "external_reference"
		}
	}
	switch {
	case mode == "paperclip_managed" && ref:
		return "", inputErrorf("A paperclip_managed secret cannot have an externalRef (Paperclip keeps the value itself): give value and no externalRef, or managedMode=external_reference with externalRef and a provider that holds it.")
	case mode == "paperclip_managed" && !value:
		return "", inputErrorf("value is required: a paperclip_managed secret stores the value you give (or give externalRef to reference a secret your provider holds).")
	case mode == "external_reference" && !ref:
		return "", inputErrorf("externalRef is required with managedMode=external_reference: it names the secret in your provider.")
	case mode == "external_reference" && value:
		return "", inputErrorf("An external_reference secret has no value in Paperclip: leave value out (its value stays in the provider), or drop externalRef to store the value in Paperclip.")
	case mode == "external_reference" && (a.Provider == "" || a.Provider == "local_encrypted"):
		return "", inputErrorf("External references need a provider that holds the secret: provider=aws_secrets_manager, gcp_secret_manager or vault (local_encrypted only stores values).")
	}
	return mode, nil
}

func createSecret(ctx context.Context, d *Deps, a CreateSecretArgs) (SecretView, error) {
	d.rememberSecret(a.Value)
	companyID, err := d.company(a.CompanyID)
	if err != nil {
		return SecretView{}, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		return SecretView{}, inputErrorf("name is blank: give the secret a name.")
	}
	mode, err := secretMode(a)
	if err != nil {
		return SecretView{}, err
	}
	f := client.SecretFields{Name: &name, Value: nonEmpty(a.Value), Provider: nonEmpty(a.Provider), ManagedMode: &mode,
		Description: nonEmpty(a.Description), ExternalRef: nonEmpty(strings.TrimSpace(a.ExternalRef))}
	s, err := d.Client.CreateSecret(ctx, companyID, f)
	if err != nil {
		return SecretView{}, err
	}
	return secretView(s), nil
}

func createSecretMarkdown(_ CreateSecretArgs, s SecretView) string {
	var m md
	m.line("## Created secret %s", s.Name)
	m.line("%s", secretLine(s))
	m.blank()
	m.line("The value is stored by Paperclip and never shown. Reference it from an agent's env as {\"type\":\"secret_ref\",\"secretId\":\"%s\"}.", s.ID)
	return m.String()
}

// createSecretTool declares paperclip_create_secret.
func createSecretTool() Tool {
	return define(Spec{Name: "paperclip_create_secret", Title: "Create a secret", Toolset: Secrets, BoardOnly: true,
		Description: "Board only. Store a secret value (or reference one your provider holds, with externalRef). The value is never shown back.",
		Access:      Write, NotFound: "Check companyId. " + findCompany},
		createSecret, createSecretMarkdown)
}

// SecretIDArgs identify one secret.
type SecretIDArgs struct {
	SecretID string `json:"secretId" jsonschema:"format=uuid,description=From paperclip_list_secrets"`
}

// RotateSecretArgs are the arguments of paperclip_rotate_secret.
type RotateSecretArgs struct {
	SecretIDArgs
	Value       string `json:"value,omitempty" jsonschema:"description=The new value of a paperclip_managed secret: never shown or logged"`
	ExternalRef string `json:"externalRef,omitempty" jsonschema:"description=The new reference of an external_reference secret"`
}

func rotateSecret(ctx context.Context, d *Deps, a RotateSecretArgs) (SecretView, error) {
	d.rememberSecret(a.Value)
	if err := requireID("secretId", a.SecretID, findSecret); err != nil {
		return SecretView{}, err
	}
	value, ref := strings.TrimSpace(a.Value) != "", strings.TrimSpace(a.ExternalRef) != ""
	switch {
	case value && ref:
		return SecretView{}, inputErrorf("Give value (a paperclip_managed secret) or externalRef (an external_reference secret), not both: a secret is one or the other (paperclip_list_secrets shows its mode).")
	case !value && !ref:
		return SecretView{}, inputErrorf("Nothing to rotate: give the new value (paperclip_managed secret) or the new externalRef (external_reference secret).")
	}
	s, err := d.Client.RotateSecret(ctx, a.SecretID, client.SecretFields{Value: nonEmpty(a.Value), ExternalRef: nonEmpty(strings.TrimSpace(a.ExternalRef))})
	if err != nil {
		return SecretView{}, managedRefErr(err)
	}
	return secretView(s), nil
}

// managedRefErr words Paperclip's 422 for an externalRef sent to a
// paperclip_managed secret.
func managedRefErr(err error) error {
	if apiErr, ok := client.AsAPIError(err); ok && strings.Contains(apiErr.Message, "Managed secrets cannot") {
		return inputErrorf("This secret is paperclip_managed (%d %s): it has a value, not an externalRef. Rotate it with value; nothing changed.", apiErr.Status, apiErr.Message)
	}
	return err
}

func rotateSecretMarkdown(_ RotateSecretArgs, s SecretView) string {
	var m md
	m.line("## Rotated secret %s: now version %d", s.Name, s.LatestVersion)
	m.line("%s", secretLine(s))
	m.blank()
	m.line("Configs that reference version latest use the new value from their next run.")
	return m.String()
}

// rotateSecretTool declares paperclip_rotate_secret.
func rotateSecretTool() Tool {
	return define(Spec{Name: "paperclip_rotate_secret", Title: "Rotate a secret", Toolset: Secrets, BoardOnly: true,
		Description: "Board only. Store a new version of a secret: a new value, or a new externalRef for an external reference. The value is never shown back.",
		Access:      Write, NotFound: findSecret},
		rotateSecret, rotateSecretMarkdown)
}

// UpdateSecretArgs are the arguments of paperclip_update_secret.
type UpdateSecretArgs struct {
	SecretIDArgs
	Name        string `json:"name,omitempty" jsonschema:"maxLength=200"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=2000"`
	ExternalRef string `json:"externalRef,omitempty" jsonschema:"description=External_reference secrets only"`
	Status      string `json:"status,omitempty" jsonschema:"enum=active,enum=disabled,enum=archived"`
}

func updateSecret(ctx context.Context, d *Deps, a UpdateSecretArgs) (SecretView, error) {
	if err := requireID("secretId", a.SecretID, findSecret); err != nil {
		return SecretView{}, err
	}
	f := client.SecretFields{Description: nonEmpty(a.Description), ExternalRef: nonEmpty(strings.TrimSpace(a.ExternalRef)), Status: nonEmpty(a.Status)}
	if a.Name != "" {
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return SecretView{}, inputErrorf("name is blank: give a name, or leave it out.")
		}
		f.Name = &name
	}
	if f == (client.SecretFields{}) {
		return SecretView{}, inputErrorf("Nothing to change: give at least one of name, description, externalRef, status. To change the value, use paperclip_rotate_secret.")
	}
	s, err := d.Client.UpdateSecret(ctx, a.SecretID, f)
	if err != nil {
		return SecretView{}, managedRefErr(err)
	}
	return secretView(s), nil
}

func updateSecretMarkdown(_ UpdateSecretArgs, s SecretView) string {
	var m md
	m.line("## Updated secret %s", s.Name)
	m.line("%s", secretLine(s))
	return m.String()
}

// updateSecretTool declares paperclip_update_secret.
func updateSecretTool() Tool {
	return define(Spec{Name: "paperclip_update_secret", Title: "Update a secret", Toolset: Secrets, BoardOnly: true,
		Description: "Board only. Rename a secret, change its description or status, or an external reference's externalRef. The value changes with paperclip_rotate_secret.",
		Access:      WriteIdempotent, NotFound: findSecret},
		updateSecret, updateSecretMarkdown)
}

func secretTools() []Tool {
	return []Tool{listSecretsTool(), createSecretTool(), rotateSecretTool(), updateSecretTool()}
}
