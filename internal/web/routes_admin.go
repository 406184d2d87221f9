package web

import "net/http"

// routesAdmin registers this area's routes (owned by the admin area).
func (s *Server) routesAdmin(mux *http.ServeMux) {}
