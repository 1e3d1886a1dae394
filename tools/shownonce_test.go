package tools

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSaveShownOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested")
	t.Setenv(secretsDirEnv, dir)
	a, err := saveShownOnce("agent-key", "../../etc/x", "pcp_agent_s3cr3t")
	require.NoError(t, err)
	assert.Equal(t, dir, filepath.Dir(a.File), "the id cannot steer the path")
	assert.Equal(t, len("pcp_agent_s3cr3t"), a.Bytes)
	b, err := os.ReadFile(a.File)
	require.NoError(t, err)
	assert.Equal(t, "pcp_agent_s3cr3t\n", string(b))
	st, err := os.Stat(a.File)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	ds, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), ds.Mode().Perm())

	again, err := saveShownOnce("agent-key", "../../etc/x", "other")
	require.NoError(t, err)
	assert.NotEqual(t, a.File, again.File, "a file is never overwritten")
	b, _ = os.ReadFile(a.File)
	assert.Equal(t, "pcp_agent_s3cr3t\n", string(b))

	t.Setenv(secretsDirEnv, "/proc/no-such-dir/x")
	_, err = saveShownOnce("agent-key", "k", "pcp_agent_s3cr3t")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	assert.Contains(t, err.Error(), secretsDirEnv)
}

func TestZTime(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"2026-12-01T10:00:00Z":      "2026-12-01T10:00:00.000Z",
		"2026-12-01T12:00:00+02:00": "2026-12-01T10:00:00.000Z",
		"2026-12-01T10:00:00.5Z":    "2026-12-01T10:00:00.500Z",
		"2026-12-01":                "2026-12-01T00:00:00.000Z",
		"2026-12-01T10:00":          "2026-12-01T10:00:00.000Z",
	} {
		got, err := zTime("occurredAt", in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := zTime("occurredAt", "yesterday")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "occurredAt must be an ISO 8601 time")
}
