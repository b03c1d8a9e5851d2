package devui

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
)

// guard lets through only the requests the page itself makes, so that
// another web page open in the same browser cannot drive or read it: a Host
// that names the address the page listens on (a DNS-rebound name does not),
// an Origin, when the browser sends one, that is the page's own, and POSTs
// of application/json, which a page on another origin cannot send without
// a CORS preflight that the page never answers.
type guard struct {
	ip   netip.Addr // where it listens; unspecified for every interface
	port string
	next http.Handler
}

// newGuard guards next for a page listening on addr (a listener's Addr).
// An address it cannot read lets nothing through.
func newGuard(addr net.Addr, next http.Handler) guard {
	g := guard{next: next}
	if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
		g.ip, g.port = ap.Addr().Unmap(), fmt.Sprint(ap.Port())
	}
	return g
}

func (g guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.host(r.Host) {
		http.Error(w, fmt.Sprintf("refused: the Host %q is not this page's address (%s); another web page may be trying to reach it", r.Host, g.address()), http.StatusForbidden)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != "http://"+r.Host {
		http.Error(w, fmt.Sprintf("refused: a request from %q, not from this page (http://%s)", origin, r.Host), http.StatusForbidden)
		return
	}
	if r.Method == http.MethodPost {
		if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
			http.Error(w, "refused: the page's requests are JSON (Content-Type: application/json)", http.StatusUnsupportedMediaType)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// host says whether a Host header names the listening address: its IP
// literal (any IP literal on every interface) or localhost on the
// loopback, with its port. A name other than localhost is refused: it is
// what DNS rebinding points at the page.
func (g guard) host(h string) bool {
	if !g.ip.IsValid() {
		return false
	}
	name, port, err := net.SplitHostPort(h)
	if err != nil {
		name, port = h, "80"
	}
	if port != g.port {
		return false
	}
	if name == "localhost" {
		return g.ip.IsLoopback() || g.ip.IsUnspecified()
	}
	ip, err := netip.ParseAddr(name)
	return err == nil && (g.ip.IsUnspecified() || ip.Unmap() == g.ip)
}

// address is where the page is, as a person would type it.
func (g guard) address() string {
	if g.ip.IsUnspecified() {
		return "this machine's address, port " + g.port
	}
	return net.JoinHostPort(g.ip.String(), g.port)
}
