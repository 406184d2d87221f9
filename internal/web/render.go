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
// halves throughput).
type templates struct {
	pages map[string]*template.Template
}

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
	base := template.New("").Funcs(funcs)
	var pages []string
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
			if _, err := base.New(p).Parse(string(src)); err != nil {
				return fmt.Errorf("web: template %s: %w", p, err)
			}
			return nil
		}
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("web: templates use unknown message keys: %s", strings.Join(missing, "; "))
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, p := range pages {
		src, _ := fs.ReadFile(templateFS, p)
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.New(p).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		t.pages[name] = clone
	}
	return t, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the page template into a pooled buffer, then writes it with its
// length; a template error becomes a 500 page, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.tmpl.pages[name]
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
func (s *Server) HasTemplate(name string) bool { _, ok := s.tmpl.pages[name]; return ok }
