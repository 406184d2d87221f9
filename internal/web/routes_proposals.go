package web

import "net/http"

// routesProposals registers this area's routes (owned by the proposals area).
func (s *Server) routesProposals(mux *http.ServeMux) {}
