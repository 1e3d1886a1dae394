package tools

func projectTools() []Tool {
	return nil
}
