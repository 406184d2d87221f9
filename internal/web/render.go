package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"participe/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed template set per page: the layout and partials plus the
// page's own file. Parsed once at start-up (PERFORMANCE-NOTES: parsing per request
// halves throughput), once per language with the constant messages and paths baked in
// (pipeline_static.go); the plain set is parsed on first need only (data that does not
// carry a Page, tests).
type templates struct {
	// pages is the plain set (areas may add shared blocks to it at start-up).
	pages  map[string]*template.Template
	byLang map[string]map[string]*template.Template
	// noBake makes render use the plain set (tests comparing both).
	noBake bool
}

// lookup returns the page's template for lang ("" for the plain set).
func (t *templates) lookup(name, lang string) (*template.Template, bool) {
	if set, ok := t.byLang[lang]; ok && !t.noBake {
		tt, ok := set[name]
		return tt, ok
	}
	tt, ok := t.pages[name]
	return tt, ok
}

// pageLang is implemented by every page's data through its embedded Page.
type pageLang interface{ pageLang() string }

func (p *Page) pageLang() string { return p.Lang }

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"join":     strings.Join,
	"contains": func(list []string, s string) bool { return containsString(list, s) },
	"itoa":     strconv.Itoa,
	"i64toa":   func(n int64) string { return strconv.FormatInt(n, 10) },
	"lower":    strings.ToLower,
	// fillID puts an id into a registered path pattern ("/admin/initiatives/{id}/…").
	"fillID": func(pattern string, id int64) string {
		return strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(id, 10))
	},
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keyUse finds message keys used in templates: .T "key", $.T "key", .TN "key".
var keyUse = regexp.MustCompile(`\.(T|TN|AddError) "([a-z0-9_.\-]+)"`)

func parseTemplates(cat *i18n.Catalog) (*templates, error) {
	type file struct{ path, src string }
	var frame, pages []file
	var missing []string
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		src, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			keys := []string{m[2]}
			if m[1] == "TN" {
				keys = []string{m[2] + ".one", m[2] + ".other"}
			}
			for _, k := range keys {
				if !cat.Has(k) {
					missing = append(missing, p+": "+k)
				}
			}
		}
		dir := path.Dir(p)
		if dir == "templates/layout" || dir == "templates/partials" {
			frame = append(frame, file{p, string(src)})
			return nil
		}
		pages = append(pages, file{p, string(src)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("web: templates use unknown message keys: %s", strings.Join(missing, "; "))
	}
	parse := func(bake func(string) string) (map[string]*template.Template, error) {
		base := template.New("").Funcs(funcs)
		for _, f := range frame {
			if _, err := base.New(f.path).Parse(bake(f.src)); err != nil {
				return nil, fmt.Errorf("web: template %s: %w", f.path, err)
			}
		}
		set := make(map[string]*template.Template, len(pages))
		for _, f := range pages {
			clone, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if _, err := clone.New(f.path).Parse(bake(f.src)); err != nil {
				return nil, fmt.Errorf("web: template %s: %w", f.path, err)
			}
			name := strings.TrimSuffix(strings.TrimPrefix(f.path, "templates/"), ".html")
			set[name] = clone
		}
		return set, shareAreaBlocks(set)
	}
	t := &templates{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range []string{"fr", "en"} {
		set, err := parse(func(src string) string { return bakeConstants(src, lang, cat) })
		if err != nil {
			return nil, err
		}
		t.byLang[lang] = set
	}
	t.pages, err = parse(func(src string) string { return src })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// shareAreaBlocks adds the blocks an area's "<area>/shared" page defines (named
// "<area>-…") to every page of that area, as the portal does for its own pages.
func shareAreaBlocks(set map[string]*template.Template) error {
	for sharedName, shared := range set {
		area, ok := strings.CutSuffix(sharedName, "/shared")
		if !ok {
			continue
		}
		for name, t := range set {
			if !strings.HasPrefix(name, area+"/") || name == sharedName {
				continue
			}
			for _, def := range shared.Templates() {
				if !strings.HasPrefix(def.Name(), area+"-") || def.Tree == nil {
					continue
				}
				if _, err := t.AddParseTree(def.Name(), def.Tree.Copy()); err != nil {
					return fmt.Errorf("web: block %s in %s: %w", def.Name(), name, err)
				}
			}
		}
	}
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the page template into a pooled buffer, then writes it with its
// length; a template error becomes a 500 page, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	lang := ""
	if p, ok := data.(pageLang); ok {
		lang = p.pageLang()
	}
	t, ok := s.tmpl.lookup(name, lang)
	if !ok {
		s.Log.Error("unknown template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	entry := "layout"
	if t.Lookup("page") != nil {
		entry = "page" // a template that draws its own frame (e.g. print views)
	}
	if err := t.ExecuteTemplate(buf, entry, data); err != nil {
		s.Log.Error("template failed", "name", name, "err", err, "request_id", RequestID(r.Context()))
		if name != "errors/error" {
			s.renderError(w, r, fmt.Errorf("render %s: %w", name, err))
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// HasTemplate reports whether a page template exists (tests).
func (s *Server) HasTemplate(name string) bool { _, ok := s.tmpl.lookup(name, "fr"); return ok }
