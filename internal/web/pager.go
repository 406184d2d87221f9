package web

import (
	"net/url"
	"strconv"
)

// Pager computes accessible pagination links for a list.
type Pager struct {
	Page, Pages, Total int
	// Base is the path, Query the other parameters kept in every link.
	Base  string
	Query url.Values
}

// PageLink is one numbered link (or a gap) of the pagination.
type PageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// NewPager returns a pager for total items, perPage per page, at page (1-based).
func NewPager(base string, q url.Values, page, perPage, total int) Pager {
	pages := (total + perPage - 1) / perPage
	if pages < 1 {
		pages = 1
	}
	if page < 1 {
		page = 1
	}
	return Pager{Page: page, Pages: pages, Total: total, Base: base, Query: q}
}

// URLFor is the link to page n.
func (p Pager) URLFor(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		if k != "page" {
			q[k] = v
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if enc := q.Encode(); enc != "" {
		return p.Base + "?" + enc
	}
	return p.Base
}

// HasPrev reports whether there is a previous page.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// HasNext reports whether there is a next page.
func (p Pager) HasNext() bool { return p.Page < p.Pages }

// Prev is the previous page number.
func (p Pager) Prev() int { return p.Page - 1 }

// Next is the next page number.
func (p Pager) Next() int { return p.Page + 1 }

// PrevURL links the previous page.
func (p Pager) PrevURL() string { return p.URLFor(p.Page - 1) }

// NextURL links the next page.
func (p Pager) NextURL() string { return p.URLFor(p.Page + 1) }

// Links lists the first, last and the pages around the current one, with gaps.
func (p Pager) Links() []PageLink {
	var out []PageLink
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n == 1 || n == p.Pages || (n >= p.Page-2 && n <= p.Page+2) {
			if last != 0 && n > last+1 {
				out = append(out, PageLink{Gap: true})
			}
			out = append(out, PageLink{N: n, URL: p.URLFor(n), Current: n == p.Page})
			last = n
		}
	}
	return out
}
