package web

import (
	"errors"
	"net/http"

	"participe/internal/db"
	"participe/internal/participe"
)

// HandlerFunc is a handler that returns its error to one adapter instead of writing
// error pages itself.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

var errNotFound = participe.Errorf(participe.ENOTFOUND, "page not found")

// statusOf maps domain error codes to HTTP statuses, in one place.
func statusOf(err error) int {
	switch participe.ErrorCode(err) {
	case participe.ENOTFOUND:
		return http.StatusNotFound
	case participe.EINVALID:
		return http.StatusBadRequest
	case participe.EFORBIDDEN:
		return http.StatusForbidden
	case participe.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case participe.ECONFLICT:
		return http.StatusConflict
	case participe.ETOOMANY:
		return http.StatusTooManyRequests
	case participe.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	if db.IsUnavailable(err) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorPage is the data of the error template.
type errorPage struct {
	Page
	Status    int
	TitleKey  string
	BodyKey   string
	Message   string
	Reference string
}

// handle adapts a HandlerFunc: errors become a page in the visitor's language with the
// right status; only internal errors are logged with detail.
func (s *Server) handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		s.renderError(w, r, err)
	})
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if errors.Is(err, http.ErrAbortHandler) {
		panic(err)
	}
	if r.Context().Err() != nil && status == http.StatusInternalServerError {
		// The client left or the request timed out: nothing useful to render.
		status = http.StatusServiceUnavailable
	}
	reqID := RequestID(r.Context())
	if status >= 500 {
		s.Log.Error("request failed", "err", err, "path", r.URL.Path, "request_id", reqID)
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, s.signInURL(r), http.StatusSeeOther)
		return
	}
	p := errorPage{Status: status, Reference: reqID}
	switch status {
	case http.StatusNotFound:
		p.TitleKey, p.BodyKey = "error.notfound.title", "error.notfound.body"
	case http.StatusForbidden:
		p.TitleKey, p.BodyKey = "error.forbidden.title", "error.forbidden.body"
	case http.StatusUnauthorized:
		p.TitleKey, p.BodyKey = "error.unauthorized.title", "error.unauthorized.body"
	case http.StatusBadRequest:
		p.TitleKey, p.BodyKey = "error.invalid.title", "error.invalid.body"
	case http.StatusConflict:
		p.TitleKey, p.BodyKey = "error.conflict.title", "error.conflict.body"
	case http.StatusTooManyRequests:
		p.TitleKey, p.BodyKey = "error.toomany.title", "error.toomany.body"
		w.Header().Set("Retry-After", "60")
	case http.StatusServiceUnavailable:
		p.TitleKey, p.BodyKey = "error.unavailable.title", "error.unavailable"
		w.Header().Set("Retry-After", "10")
	default:
		p.TitleKey, p.BodyKey = "error.server.title", "error.server.body"
	}
	p.Page = s.newPage(r, p.TitleKey)
	if de, ok := participe.AsError(err); ok && status < 500 && status != http.StatusNotFound {
		if de.Key != "" && s.Cat.Has(de.Key) {
			p.Message = p.T(de.Key)
		}
	}
	s.render(w, r, status, "errors/error", &p)
}

// signInURL is where an anonymous visitor is sent, with a local ?next= back.
func (s *Server) signInURL(r *http.Request) string {
	prefix := ""
	if LangFrom(r.Context()) == "en" {
		prefix = "/en"
	}
	return prefix + "/connexion?next=" + urlQueryEscape(r.URL.RequestURI())
}
