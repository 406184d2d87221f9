package web

import (
	"context"
	"net/url"
	"strings"
)

type ctxKey int

const (
	ctxLang ctxKey = iota
	ctxRequestID
	ctxActor
	ctxPattern
	ctxSessionMeta
)

// langOfPath tells the language of a path: /en and /en/… are English, the rest French.
func langOfPath(p string) string {
	if p == "/en" || strings.HasPrefix(p, "/en/") {
		return "en"
	}
	return "fr"
}

// stripLang returns the French path of a path ("/en/initiatives" → "/initiatives").
func stripLang(p string) string {
	if p == "/en" {
		return "/"
	}
	if strings.HasPrefix(p, "/en/") {
		return p[3:]
	}
	return p
}

// LangFrom returns the request's language ("fr" or "en").
func LangFrom(ctx context.Context) string {
	if l, ok := ctx.Value(ctxLang).(string); ok {
		return l
	}
	return "fr"
}

// LocalPath prefixes a French path with /en for English.
func LocalPath(lang, p string) string {
	if lang == "en" {
		if p == "/" {
			return "/en/"
		}
		return "/en" + p
	}
	return p
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// SafeNext returns next when it is a local path (no scheme, no host, no //), else
// fallback: it closes open redirects through ?next=.
func SafeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.ContainsAny(next, "\r\n\t") {
		return fallback
	}
	return next
}
