package tools

func routineTools() []Tool {
	return nil
}
