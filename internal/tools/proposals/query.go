package proposals

import (
	"net/url"
	"strconv"
	"strings"
)

// Sorts of the list.
const (
	SortSupport = "appuis"    // most supported
	SortNewest  = "recentes"  // newest
	SortDebated = "debattues" // most debated
	SortRandom  = "hasard"    // random, stable per visitor
	SortRising  = "montantes" // the most popular rise: support weighted by freshness
)

// Sorts lists the sorts in display order.
var Sorts = []string{SortSupport, SortNewest, SortDebated, SortRising, SortRandom}

// AnswerNone filters proposals without a published answer ("sans réponse").
const AnswerNone = "sans-reponse"

// ListQuery is the list's sort, filters and page, from the query string.
type ListQuery struct {
	Sort    string
	ThemeID int64
	Answer  string
	Page    int
	// Seed orders the random sort (from the visitor's cookie).
	Seed int64
}

// ParseListQuery reads and cleans the list parameters; unknown values fall back to the
// defaults instead of failing (a shared link with a stale filter still shows a list).
func ParseListQuery(q url.Values) ListQuery {
	lq := ListQuery{Sort: SortSupport, Page: 1}
	if s := q.Get("tri"); s != "" {
		for _, x := range Sorts {
			if s == x {
				lq.Sort = s
			}
		}
	}
	if t := q.Get("theme"); t != "" {
		if id, err := strconv.ParseInt(t, 10, 64); err == nil && id > 0 {
			lq.ThemeID = id
		}
	}
	if a := strings.TrimSpace(q.Get("reponse")); a != "" && len(a) <= 40 && isKey(a) {
		lq.Answer = a
	}
	if p := q.Get("page"); p != "" {
		if n, err := strconv.Atoi(p); err == nil && n > 0 && n <= 100000 {
			lq.Page = n
		}
	}
	return lq
}

// isKey accepts answer-state keys: lower-case letters, digits, '_' and '-'.
func isKey(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// Values gives the query string of the list (page excluded), for links.
func (lq ListQuery) Values() url.Values {
	v := url.Values{}
	if lq.Sort != SortSupport {
		v.Set("tri", lq.Sort)
	}
	if lq.ThemeID > 0 {
		v.Set("theme", strconv.FormatInt(lq.ThemeID, 10))
	}
	if lq.Answer != "" {
		v.Set("reponse", lq.Answer)
	}
	return v
}

// ValidCursor accepts a comment path cursor ("show more"): base-36 segments and '/'.
func ValidCursor(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r == '/') {
			return false
		}
	}
	return true
}
