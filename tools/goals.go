package tools

func goalTools() []Tool {
	return nil
}
