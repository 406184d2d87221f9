package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"participe/internal/participe"
	"participe/internal/results"
)

// openDataPage is the catalogue of datasets.
type openDataPage struct {
	resultsPage
	Entries  []results.CatalogueEntry
	Datasets []*results.Dataset
	Pager    Pager
	Total    int
	Licence  string
	LicURL   string
}

const openDataPerPage = 20

func (h *resultsHandlers) openData(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := openDataPage{resultsPage: h.newPage(r, "results.opendata.title"), Datasets: results.Datasets,
		Licence: results.LicenceName, LicURL: results.LicenceURL}
	p.crumbs(p.T("results.opendata.title"), "")
	page := resPageParam(r)
	var err error
	p.Entries, p.Total, err = h.svc.Catalogue(ctx, results.CatalogueFilter{Limit: openDataPerPage, Offset: (page - 1) * openDataPerPage})
	if err != nil {
		return err
	}
	p.Pager = NewPager(p.URL("/donnees-ouvertes"), r.URL.Query(), page, openDataPerPage, p.Total)
	h.s.render(w, r, http.StatusOK, "results/opendata", &p)
	return nil
}

// DatasetURL is the download link of a dataset in a format.
func (p *openDataPage) DatasetURL(slug, key, ext string) string {
	return "/donnees-ouvertes/" + p.Esc(slug) + "/" + key + "." + ext
}

func (h *resultsHandlers) dcat(w http.ResponseWriter, r *http.Request) error {
	base := h.s.Cfg.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	doc, err := h.svc.DCAT(r.Context(), base)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	return json.NewEncoder(w).Encode(doc)
}

// export streams one dataset: /donnees-ouvertes/{slug}/{dataset}.{csv|json}. An open
// initiative gets a clear 409 page (or problem+json when JSON was asked for).
func (h *resultsHandlers) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	file := r.PathValue("file")
	key, ext, ok := strings.Cut(file, ".")
	if !ok || (ext != "csv" && ext != "json") {
		return participe.Errorf(participe.ENOTFOUND, "unknown format")
	}
	t, err := h.svc.CheckExport(ctx, r.PathValue("slug"), key)
	if err != nil {
		if ext == "json" {
			return writeAPIError(w, r, h.s, err)
		}
		return err
	}
	hd := w.Header()
	if ext == "csv" {
		hd.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		hd.Set("Content-Type", "application/json; charset=utf-8")
	}
	hd.Set("Content-Disposition", `attachment; filename="`+t.Slug+"-"+key+"."+ext+`"`)
	hd.Set("Cache-Control", "public, max-age=300")
	if err := h.svc.WriteExport(ctx, t, ext, w); err != nil {
		// Headers are gone: the client sees a truncated file; log and abort the stream.
		h.s.Log.Error("open data export failed", "err", err, "slug", t.Slug, "dataset", key)
		panic(http.ErrAbortHandler)
	}
	return nil
}
