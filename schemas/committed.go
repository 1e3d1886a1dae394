package schemas

import (
	"encoding/json"
	"testing"
)

// The committed schemas (committed_gen.go, written with the snapshots by
// UPDATE_SNAPSHOTS=1 go test ./schemas) are compiled in, so that a server
// starts without reflecting its tools' types: reflection took about 1 ms a
// tool, most of the start-up time with the whole catalogue, and reading
// them from the snapshot files another 8 ms. TestToolSnapshots fails
// whenever they differ from what reflection gives, so what is served is
// what the types say. Test binaries always reflect, so that a changed type
// is tested as it is.

// Committed returns a tool's input and output schemas as committed; ok is
// false when there are none, or in a test binary.
func Committed(tool string) (in, out json.RawMessage, ok bool) {
	if testing.Testing() {
		return nil, nil, false
	}
	s, ok := committedSchemas[tool]
	if !ok {
		return nil, nil, false
	}
	return json.RawMessage(s[0]), json.RawMessage(s[1]), true
}

// CommittedTable is every committed tool's schemas (for the test that keeps
// them equal to reflection).
func CommittedTable() map[string][2]string { return committedSchemas }
