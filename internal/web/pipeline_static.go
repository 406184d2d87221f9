package web

import (
	"regexp"
	"strings"

	"participe/internal/i18n"
)

// Templates call {{.T "key"}} and {{.URL "/path"}} dozens of times per page (the layout
// alone 42 times). html/template reaches a method through reflect (MethodByName, the
// method's type, a variadic call, then the escaper): a few microseconds each, about
// 200 µs of CPU for the frame of every page. With a constant argument the result
// depends only on the language, so each language gets its own parsed copy of the
// templates with those actions replaced by their text, escaped as html/template would
// have escaped it. Only plain actions in HTML text or in a quoted, non-URL, non-script
// attribute are replaced (and .URL at the start of an href/src/action value); anything
// else stays a dynamic action. TestStaticTemplatesRenderTheSame checks that pages
// render byte for byte as with the dynamic templates.

// constAction matches {{.T "key"}}, {{$.T "key"}}, {{.URL "/path"}}, {{$.URL "/path"}},
// and {{.HTMLLang}} / {{.AltLang}}, which depend on the language only.
var constAction = regexp.MustCompile(`\{\{\s*\$?\.(?:(T|URL) "([^"\\{}]*)"|(HTMLLang|AltLang))\s*\}\}`)

// urlAttrs take URLs: html/template escapes and normalizes their values differently.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true,
	"cite": true, "data": true, "poster": true, "srcset": true, "background": true, "longdesc": true,
	"usemap": true, "manifest": true, "icon": true, "codebase": true, "archive": true, "profile": true}

// openAttr finds a quoted attribute value still open at the end of a tag's prefix.
var openAttr = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"([^"]*)$`)

// safePath is what a literal path may hold to be written as is in a URL attribute.
var safePath = regexp.MustCompile(`^/[A-Za-z0-9/_\-.]*$`)

// bakeConstants returns src with the constant .T / .URL actions of lang replaced.
func bakeConstants(src, lang string, cat *i18n.Catalog) string {
	var b strings.Builder
	last := 0
	for _, m := range constAction.FindAllStringSubmatchIndex(src, -1) {
		start, end := m[0], m[1]
		var kind, arg string
		if m[2] >= 0 {
			kind, arg = src[m[2]:m[3]], src[m[4]:m[5]]
		} else {
			kind = src[m[6]:m[7]]
		}
		repl, ok := "", false
		ctx, attr, value := htmlContext(src[:start])
		// Where html/template would print a text as plain escaped HTML.
		plain := ctx == ctxText || (ctx == ctxAttr && !urlAttrs[attr] && !strings.HasPrefix(attr, "on") && attr != "style")
		switch {
		case kind == "HTMLLang" || kind == "AltLang":
			p := Page{Lang: lang}
			repl = p.HTMLLang()
			if kind == "AltLang" {
				repl = p.AltLang()
			}
			ok = plain
		case plain && kind == "T":
			repl, ok = bakedText(cat, lang, arg)
		case ctx == ctxAttr && kind == "URL" && urlAttrs[attr] && attr != "srcset" && value == "" && safePath.MatchString(arg):
			repl, ok = LocalPath(lang, arg), true
		case ctx == ctxText && kind == "URL" && safePath.MatchString(arg):
			repl, ok = LocalPath(lang, arg), true
		}
		if !ok {
			continue
		}
		b.WriteString(src[last:start])
		b.WriteString(repl)
		last = end
	}
	if last == 0 {
		return src
	}
	b.WriteString(src[last:])
	return b.String()
}

// bakedText is the message as html/template would print it in text or a quoted
// attribute; messages that could read as template syntax are left dynamic.
func bakedText(cat *i18n.Catalog, lang, key string) (string, bool) {
	if !cat.Has(key) {
		return "", false
	}
	msg := cat.T(lang, key)
	if strings.Contains(msg, "{{") || strings.Contains(msg, "}}") {
		return "", false
	}
	return htmlEscapeLikeTemplate(msg), true
}

// htmlEscapeLikeTemplate escapes as html/template's text and attribute escapers do.
var htmlEscapeLikeTemplate = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;",
).Replace

type htmlCtx int

const (
	ctxOther htmlCtx = iota
	ctxText
	ctxAttr
)

// htmlContext tells where the end of prefix stands: in text, inside a quoted attribute
// value (with its name and the value so far), or elsewhere (unquoted attribute, tag
// name, script, style, comment, inside a template action), where nothing is baked.
func htmlContext(prefix string) (ctx htmlCtx, attr, value string) {
	// Raw-text elements and comments: never bake inside them.
	lower := strings.ToLower(prefix)
	for _, el := range []string{"script", "style"} {
		if i := strings.LastIndex(lower, "<"+el); i >= 0 && !strings.Contains(lower[i:], "</"+el) {
			return ctxOther, "", ""
		}
	}
	if i := strings.LastIndex(prefix, "<!--"); i >= 0 && !strings.Contains(prefix[i:], "-->") {
		return ctxOther, "", ""
	}
	// Inside another action ({{if … {{.T "x"}}} cannot happen, but an unclosed "{{"
	// means the match is not a whole action of its own).
	if strings.LastIndex(prefix, "{{") > strings.LastIndex(prefix, "}}") {
		return ctxOther, "", ""
	}
	lt, gt := strings.LastIndexByte(prefix, '<'), strings.LastIndexByte(prefix, '>')
	if lt <= gt {
		return ctxText, "", ""
	}
	tag := prefix[lt:]
	m := openAttr.FindStringSubmatch(tag)
	if m == nil {
		return ctxOther, "", ""
	}
	// The value must not itself hold template actions whose output we cannot see.
	if strings.Contains(m[2], "{{") {
		return ctxOther, "", ""
	}
	return ctxAttr, strings.ToLower(m[1]), m[2]
}
