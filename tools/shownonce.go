package tools

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// secretsDirEnv names the directory where a value Paperclip shows only
// once (an agent API key, a routine webhook's signing secret) is written.
// Such a value never goes into a tool result, a log line or an error: the
// model would see it, and hosts keep transcripts. The person reads the file.
const secretsDirEnv = "PAPERCLIP_MCP_SECRETS_DIR"

// secretsDir is PAPERCLIP_MCP_SECRETS_DIR, or paperclip-mcp/secrets under
// the user's config directory.
func secretsDir() (string, error) {
	if dir := os.Getenv(secretsDirEnv); dir != "" {
		return filepath.Abs(dir)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no directory for secrets: %s is unset and %v", secretsDirEnv, err)
	}
	return filepath.Join(base, "paperclip-mcp", "secrets"), nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ShownOnce says where a value shown once was written.
type ShownOnce struct {
	// File is the path of the file (mode 0600) that holds the value.
	File string `json:"file" jsonschema:"description=File (mode 0600) holding the value Paperclip shows only once; it is never shown here"`
	// Bytes is the length of the value.
	Bytes int `json:"bytes"`
}

// saveShownOnce writes value to a new file named after kind and id in the
// secrets directory and returns where. It never overwrites a file: a second
// key of the same id gets a new name. The error never holds the value.
func saveShownOnce(kind, id, value string) (ShownOnce, error) {
	dir, err := secretsDir()
	if err != nil {
		return ShownOnce{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ShownOnce{}, fmt.Errorf("cannot create %s (set %s to a writable directory): %v", dir, secretsDirEnv, err)
	}
	name := unsafeFileChars.ReplaceAllString(kind+"-"+id, "_")
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for i := 0; i < 100; i++ {
		suffix := ""
		if i > 0 {
			suffix = fmt.Sprintf("-%d", i)
		}
		path := filepath.Join(dir, name+"-"+stamp+suffix+".secret")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return ShownOnce{}, fmt.Errorf("cannot write the value to %s (set %s to a writable directory): %v", path, secretsDirEnv, strings.ReplaceAll(err.Error(), value, "[redacted]"))
		}
		_, werr := f.WriteString(value + "\n")
		cerr := f.Close()
		if werr != nil || cerr != nil {
			os.Remove(path)
			return ShownOnce{}, fmt.Errorf("cannot write the value to %s (set %s to a writable directory)", path, secretsDirEnv)
		}
		return ShownOnce{File: path, Bytes: len(value)}, nil
	}
	return ShownOnce{}, fmt.Errorf("too many files named %s in %s", name, dir)
}
