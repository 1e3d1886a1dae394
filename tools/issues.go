package tools

// issueTools: filled in by the issues toolset.
func issueTools() []Tool { return nil }
