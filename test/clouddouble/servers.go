package clouddouble

import (
	"net/http/httptest"
	"testing"
)

// Pair is a Local and a Remote double, each behind its own httptest server.
type Pair struct {
	Local     *Local
	LocalURL  string
	Remote    *Remote
	RemoteURL string
}

// Start serves a Local and a Remote double on loopback until the test ends.
func Start(t testing.TB, lo LocalOptions, ro RemoteOptions) *Pair {
	t.Helper()
	l, r := NewLocal(lo), NewRemote(ro)
	ls, rs := httptest.NewServer(l), httptest.NewServer(r)
	t.Cleanup(ls.Close)
	t.Cleanup(rs.Close)
	return &Pair{Local: l, LocalURL: ls.URL, Remote: r, RemoteURL: rs.URL}
}
