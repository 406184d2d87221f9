package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// middleware wraps the router, outermost first: recover, request id, access log and
// metrics, security headers, load shedding, body limit, timeout, language, session,
// current person, cross-origin (CSRF) protection.
func (s *Server) middleware(mux http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, errForbiddenCSRF)
	}))
	var h http.Handler = recordPattern(mux)
	h = cop.Handler(h)
	h = s.loadActor(h)
	h = s.withSessions(h)
	h = s.withLang(h)
	h = s.limits(h)
	h = s.shed(h)
	h = s.securityHeaders(h)
	h = s.accessLog(h)
	h = s.requestID(h)
	h = s.recoverer(h)
	return h
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()), "request_id", RequestID(r.Context()))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// RequestID returns the request's id (also sent as X-Request-Id and logged).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxRequestID, id)))
	})
}

// statusWriter records the status and size for the access log, and keeps Flush and
// Unwrap so server-sent events and http.ResponseController work through it.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// The router sets Pattern on the request it routes, a copy made deeper in the
		// chain: it reports it back through this holder for the metrics.
		holder := &patternHolder{}
		r = r.WithContext(context.WithValue(r.Context(), ctxPattern, holder))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := holder.pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(r.Method, route, sw.status, d)
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		s.Log.LogAttrs(r.Context(), levelFor(sw.status), "request",
			slogStr("method", r.Method), slogStr("path", r.URL.Path), slogInt("status", sw.status),
			slogDur("duration", d), slogInt("bytes", sw.bytes), slogStr("request_id", RequestID(r.Context())))
	})
}

// Content-Security-Policy without 'unsafe-inline': scripts and styles come only from
// our own files.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	// Built once: each request gets its own one-element slices (cheap copies of the
	// same strings), so a handler that edits a header never touches another request's.
	type kv struct{ k, v string }
	headers := []kv{
		{"Content-Security-Policy", csp},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"X-Frame-Options", "DENY"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
	if s.Cfg.SecureCookies() {
		headers = append(headers, kv{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		vals := make([]string, len(headers)) // one allocation for all the values
		for i, e := range headers {
			vals[i] = e.v
			h[e.k] = vals[i : i+1 : i+1]
		}
		next.ServeHTTP(w, r)
	})
}

// shed refuses work beyond MaxInFlight with 503 and Retry-After instead of queueing
// without bound; health and metrics always answer.
func (s *Server) shed(next http.Handler) http.Handler {
	limit := int64(s.Cfg.MaxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Health, metrics and long-lived event streams never count against the limit.
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || r.URL.Path == "/readyz" ||
			strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		if n > limit {
			s.metrics.shed.Inc()
			w.Header().Set("Retry-After", "2")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("Service surchargé, réessayez dans un instant. / Service overloaded, please retry shortly.\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limits caps the request body and the request's time (server-sent event streams are
// long-lived by design and manage their own lifetime).
func (s *Server) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && !isUpload(r) {
			r.Body = http.MaxBytesReader(w, r.Body, s.Cfg.MaxBodyBytes)
		}
		if strings.Contains(r.Header.Get("Accept"), "text/event-stream") || s.Cfg.RequestTimeout <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.Cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// isUpload tells multipart requests, whose handlers set their own (larger) limit.
func isUpload(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// contentLanguage holds the header values, built once (one slice per language, never
// appended to: each response gets Content-Language once).
var contentLanguage = map[string][]string{"fr": {"fr-CA"}, "en": {"en-CA"}}

func (s *Server) withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := langOfPath(r.URL.Path)
		w.Header()["Content-Language"] = contentLanguage[lang]
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxLang, lang)))
	})
}

type patternHolder struct{ pattern string }

// recordPattern runs innermost, where the router has set r.Pattern.
func recordPattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if h, ok := r.Context().Value(ctxPattern).(*patternHolder); ok {
			h.pattern = r.Pattern
		}
	})
}
