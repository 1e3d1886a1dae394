package tools

// labelTools: filled in by the labels toolset.
func labelTools() []Tool { return nil }
