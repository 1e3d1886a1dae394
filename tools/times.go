package tools

import "time"

// zTime turns a timestamp the caller gives into the form Paperclip's
// validators accept (zod's datetime(): UTC with a Z, no offset), so that
// "2026-12-01T10:00:00+02:00" or a bare date is not refused upstream. An
// empty value stays empty; anything else that is not a time is an input
// error naming the parameter.
func zTime(param, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC().Format("2006-01-02T15:04:05.000Z"), nil
		}
	}
	return "", inputErrorf("%s must be an ISO 8601 time such as 2026-12-01T10:00:00Z (or a date such as 2026-12-01, read as UTC); got %q.", param, clip(v, 60))
}
