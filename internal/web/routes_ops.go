package web

import "net/http"

// routesOps registers this area's routes (owned by the ops area).
func (s *Server) routesOps(mux *http.ServeMux) {}
