package web

import (
	"net"
	"net/http"
	"strings"
)

// ClientIP is the address of the person making the request: the socket's peer, or the
// first address of X-Forwarded-For when a trusted reverse proxy sets it.
func (s *Server) ClientIP(r *http.Request) string {
	if s.Cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
