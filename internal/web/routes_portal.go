package web

import "net/http"

// routesPortal registers the public portal (owned by the portal area).
func (s *Server) routesPortal(mux *http.ServeMux) {}
