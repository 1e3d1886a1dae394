package tools

func agentAdminTools() []Tool {
	return nil
}
