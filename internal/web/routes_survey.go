package web

import "net/http"

// routesSurvey registers this area's routes (owned by the survey area).
func (s *Server) routesSurvey(mux *http.ServeMux) {}
