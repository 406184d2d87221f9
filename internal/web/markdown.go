package web

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Restricted Markdown: goldmark renders, bluemonday keeps only basic formatting, links
// (made nofollow, opened in the same tab) and lists. Raw HTML in the source is dropped
// by goldmark's default (unsafe off) and by the policy.
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough))
	mdPolicy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "strong", "em", "del", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "hr")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		p.RequireNoFollowOnLinks(true)
		p.AllowRelativeURLs(true)
		return p
	}()
)

// RenderMarkdown turns restricted Markdown into sanitized HTML.
func RenderMarkdown(src string) template.HTML {
	if src == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(mdPolicy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitized above
}
