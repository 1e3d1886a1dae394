package tools

func dashboardTools() []Tool {
	return nil
}
