// Package i18n holds the French and English message catalogs (embedded JSON, one file
// per area and language) and the formatting of dates, times and numbers in each
// language, following Québec government style.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed catalog
var catalogFS embed.FS

// Langs are the supported languages, French first.
var Langs = []string{"fr", "en"}

// Catalog maps language → key → message.
type Catalog struct {
	msgs map[string]map[string]string
	// origin tells which file defined a key, for error messages.
	origin map[string]string
}

// Load reads every catalog file. It fails when a key exists in one language and not in
// the other, or when two files define the same key.
func Load() (*Catalog, error) {
	return LoadFS(catalogFS, "catalog")
}

// LoadFS reads catalogs from dir/<lang>/*.json in fsys.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}, origin: map[string]string{}}
	for _, lang := range Langs {
		c.msgs[lang] = map[string]string{}
		files, err := fs.Glob(fsys, path.Join(dir, lang, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			raw, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range m {
				if prev, dup := c.origin[lang+":"+k]; dup {
					return nil, fmt.Errorf("i18n: key %q defined in %s and %s", k, prev, f)
				}
				c.origin[lang+":"+k] = f
				if lang == "fr" {
					v = FrenchTypography(v)
				}
				c.msgs[lang][k] = v
			}
		}
	}
	if missing := c.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("i18n: keys missing in a language: %s", strings.Join(missing, ", "))
	}
	return c, nil
}

// Missing lists "lang:key" for every key defined in one language but not another.
func (c *Catalog) Missing() []string {
	var out []string
	for _, a := range Langs {
		for k := range c.msgs[a] {
			for _, b := range Langs {
				if _, ok := c.msgs[b][k]; !ok {
					out = append(out, b+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists (in French, hence in every language).
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs["fr"][key]
	return ok
}

// Keys lists every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs["fr"]))
	for k := range c.msgs["fr"] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the message for key in lang, formatted with args (fmt verbs). An unknown key
// returns the key itself in brackets so it is visible, never a panic: the start-up
// check of templates makes that case a bug caught before serving.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang][key]
	if !ok {
		m, ok = c.msgs["fr"][key]
		if !ok {
			return "[" + key + "]"
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// TN returns the plural form of key for n: key.one for 0 and 1 in French (and 1 in
// English), key.other otherwise; %d in the message receives n.
func (c *Catalog) TN(lang, key string, n int64, args ...any) string {
	form := ".other"
	if n == 1 || (lang == "fr" && n == 0) {
		form = ".one"
	}
	msg := c.T(lang, key+form)
	if strings.Contains(msg, "%") {
		return fmt.Sprintf(msg, append([]any{FormatNumber(lang, n)}, args...)...)
	}
	return msg
}

// Normalize returns a supported language for a tag such as "en-CA", defaulting to French.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if strings.HasPrefix(tag, "en") {
		return "en"
	}
	return "fr"
}

// HTMLLang is the value of the lang attribute for a language.
func HTMLLang(lang string) string {
	if lang == "en" {
		return "en-CA"
	}
	return "fr-CA"
}
