package tools

// attachmentTools: filled in by the attachments toolset.
func attachmentTools() []Tool { return nil }
