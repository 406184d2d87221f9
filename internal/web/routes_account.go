package web

import "net/http"

// routesAccount registers this area's routes (owned by the account area).
func (s *Server) routesAccount(mux *http.ServeMux) {}
