package tools

func approvalTools() []Tool {
	return nil
}
