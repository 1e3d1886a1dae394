package tools

// documentTools: filled in by the documents toolset.
func documentTools() []Tool { return nil }
