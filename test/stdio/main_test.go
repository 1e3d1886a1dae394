package stdio_test

import (
	"testing"

	"github.com/paperclip-mcp/paperclip-mcp/test/stdio"
)

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) { stdio.Main(m) }
