package web

import "net/http"

// routesAPI registers this area's routes (owned by the api area).
func (s *Server) routesAPI(mux *http.ServeMux) {}
