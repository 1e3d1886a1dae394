package tools

// commentTools: filled in by the comments toolset.
func commentTools() []Tool { return nil }
