package catalog

import (
	"embed"
	"strings"

	"participe/internal/participe"
)

//go:embed content
var contentFS embed.FS

// ContentSlugs are the editorial pages, in site-map order.
var ContentSlugs = []string{
	"participation-citoyenne", "comment-participer", "boite-a-outils", "guide-planification",
	"bonnes-pratiques", "code-de-conduite", "gouvernement-ouvert", "accessibilite",
	"confidentialite", "conditions-utilisation", "nous-joindre",
}

// ContentPage is an editorial page: its title (the Markdown's first "# " line) and
// its Markdown body without that line.
type ContentPage struct {
	Slug, Lang, Title, Body string
	// Fallback is true when the page is not written in the language asked and the
	// French text is given instead.
	Fallback bool
}

// Content returns an editorial page in lang ("fr" or "en"), French when the English
// one is missing.
func Content(lang, slug string) (*ContentPage, error) {
	known := false
	for _, s := range ContentSlugs {
		known = known || s == slug
	}
	if !known {
		return nil, participe.Errorf(participe.ENOTFOUND, "no content page %q", slug)
	}
	p := &ContentPage{Slug: slug, Lang: lang}
	raw, err := contentFS.ReadFile("content/" + lang + "/" + slug + ".md")
	if err != nil {
		raw, err = contentFS.ReadFile("content/fr/" + slug + ".md")
		if err != nil {
			return nil, participe.Errorf(participe.ENOTFOUND, "no content page %q", slug)
		}
		p.Lang, p.Fallback = "fr", true
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	first, rest, _ := strings.Cut(text, "\n")
	if t, ok := strings.CutPrefix(first, "# "); ok {
		p.Title = strings.TrimSpace(t)
		p.Body = strings.TrimLeft(rest, "\n")
	} else {
		p.Title = slug
		p.Body = text
	}
	return p, nil
}
