package web

import "net/http"

// routesResults registers this area's routes (owned by the results area).
func (s *Server) routesResults(mux *http.ServeMux) {}
