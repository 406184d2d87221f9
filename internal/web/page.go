package web

import (
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"participe/internal/i18n"
	"participe/internal/participe"
)

// Page is what every page's data embeds: language, title, the person, the frame's links
// and helpers for messages, dates and numbers in the page's language.
type Page struct {
	Lang  string
	Title string
	// Path is the French path of this page (no /en), Query its raw query.
	Path  string
	Query string
	Actor *participe.Actor
	// unread is the notification badge count, read on first use (Unread): a handler
	// that builds a Page only to redirect never pays for the query.
	unread     *lazyCount
	Flash      *Flash
	Breadcrumb []Crumb
	// Errors feed the error summary; a page with errors gets "Erreur : " in its title.
	Errors []FieldError
	// Description is the meta description.
	Description string
	// Feeds are <link rel="alternate"> feeds of the page.
	Feeds []Feed
	// NoIndex asks search engines not to index the page (forms, personal pages).
	NoIndex bool
	Year    int

	OfficialSignature bool
	cat               *i18n.Catalog
}

// Flash is a one-time notice shown at the top of the next page.
type Flash struct {
	Kind    string // success, info, warning, error
	Message string
}

// Crumb is one breadcrumb link; the last one (current page) has no URL.
type Crumb struct {
	Label, URL string
}

// FieldError is one error of the summary: the field's id and the message.
type FieldError struct {
	Field, Message string
}

// Feed is an alternate representation advertised in the head.
type Feed struct {
	Type, Title, URL string
}

// newPage starts a page for r, titled by the message key (or literal when not a key).
func (s *Server) newPage(r *http.Request, titleKey string, args ...any) Page {
	lang := LangFrom(r.Context())
	p := Page{
		Lang:              lang,
		Path:              stripLang(r.URL.Path),
		Query:             r.URL.RawQuery,
		Actor:             ActorFrom(r.Context()),
		Year:              s.Clock.Now().In(i18n.Quebec).Year(),
		OfficialSignature: s.Cfg.OfficialSignature,
		cat:               s.Cat,
	}
	if titleKey != "" {
		if s.Cat.Has(titleKey) {
			p.Title = s.Cat.T(lang, titleKey, args...)
		} else {
			p.Title = titleKey
		}
	}
	if p.Actor != nil && s.UnreadCount != nil {
		ctx, count, id := r.Context(), s.UnreadCount, p.Actor.PersonID
		p.unread = &lazyCount{fn: func() int { return count(ctx, id) }}
	}
	p.Flash = s.popFlash(r)
	return p
}

// lazyCount computes a number once, when first asked; shared by the copies of a Page.
type lazyCount struct {
	once sync.Once
	fn   func() int
	n    int
}

// Unread is the notification badge count of the signed-in person (0 for visitors).
func (p *Page) Unread() int {
	if p.unread == nil {
		return 0
	}
	p.unread.once.Do(func() { p.unread.n = p.unread.fn() })
	return p.unread.n
}

// T translates a message key.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// TN translates a plural message key for n.
func (p *Page) TN(key string, n any, args ...any) string {
	return p.cat.TN(p.Lang, key, toInt64(n), args...)
}

// HTMLLang is the lang attribute of the page ("fr-CA" or "en-CA").
func (p *Page) HTMLLang() string { return i18n.HTMLLang(p.Lang) }

// IsEN reports whether the page is in English.
func (p *Page) IsEN() bool { return p.Lang == "en" }

// URL localizes a French path for the page's language.
func (p *Page) URL(path string) string { return LocalPath(p.Lang, path) }

// AltLangURL is this page in the other language, query kept.
func (p *Page) AltLangURL() string {
	other := "en"
	if p.Lang == "en" {
		other = "fr"
	}
	u := LocalPath(other, p.Path)
	if p.Query != "" {
		u += "?" + p.Query
	}
	return u
}

// AltLang is the other language's code, for hreflang.
func (p *Page) AltLang() string {
	if p.Lang == "en" {
		return "fr-CA"
	}
	return "en-CA"
}

// L picks the English text on English pages when there is one, else the French.
func (p *Page) L(fr, en string) string {
	if p.Lang == "en" && strings.TrimSpace(en) != "" {
		return en
	}
	return fr
}

// LangAttr marks a French passage shown on an English page (no translation yet) with
// lang="fr-CA", as WCAG 3.1.2 asks.
func (p *Page) LangAttr(en string) template.HTMLAttr {
	if p.Lang == "en" && strings.TrimSpace(en) == "" {
		return `lang="fr-CA"`
	}
	return ""
}

// Date formats "23 novembre 2026" / "November 23, 2026".
func (p *Page) Date(t time.Time) string { return i18n.FormatDate(p.Lang, t) }

// DateLong formats "lundi 23 novembre 2026".
func (p *Page) DateLong(t time.Time) string { return i18n.FormatDateLong(p.Lang, t) }

// Time formats "14 h 30" / "2:30 p.m.".
func (p *Page) Time(t time.Time) string { return i18n.FormatTime(p.Lang, t) }

// DateTime formats date and time.
func (p *Page) DateTime(t time.Time) string { return i18n.FormatDateTime(p.Lang, t) }

// ISO formats 2026-11-23 (datetime attributes, tables).
func (p *Page) ISO(t time.Time) string { return i18n.ISODate(t) }

// Num formats an integer with the language's thousands separator.
func (p *Page) Num(n any) string { return i18n.FormatNumber(p.Lang, toInt64(n)) }

// Dec formats a decimal number with one decimal.
func (p *Page) Dec(f float64) string { return i18n.FormatDecimal(p.Lang, f, 1) }

// Pct formats a fraction as a percentage ("12,5 %").
func (p *Page) Pct(f float64) string { return i18n.FormatPercent(p.Lang, f) }

// Markdown renders restricted Markdown (user or staff text) to safe HTML.
func (p *Page) Markdown(s string) template.HTML { return RenderMarkdown(s) }

// HasErrors reports whether the form on the page has errors.
func (p *Page) HasErrors() bool { return len(p.Errors) > 0 }

// ErrorFor returns the message of the field's error, if any.
func (p *Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// AddError adds a field error with a translated message key.
func (p *Page) AddError(field, key string, args ...any) {
	p.Errors = append(p.Errors, FieldError{Field: field, Message: p.T(key, args...)})
}

// FullTitle is the <title>: "Erreur : " first when the form has errors, then the page
// title and the site name.
func (p *Page) FullTitle() string {
	t := p.Title
	if t == "" {
		t = p.T("site.name")
	} else {
		t += " | " + p.T("site.name")
	}
	if len(p.Errors) > 0 {
		t = p.T("form.error.prefix") + t
	}
	return t
}

func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case int32:
		return int64(v)
	case uint:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}
