package filter

import (
	"net/url"
	"slices"
	"strconv"
)

// listKeys are the keys holding several values, in chip order.
var listKeys = []string{KeyTheme, KeyBody, KeyMode, KeyStatus, KeyRegion, KeyAudience}

func (f Filter) list(key string) []string {
	switch key {
	case KeyTheme:
		return f.Themes
	case KeyBody:
		return f.Bodies
	case KeyMode:
		return f.Modes
	case KeyStatus:
		return f.Statuses
	case KeyRegion:
		return f.Regions
	case KeyAudience:
		return f.Audiences
	}
	return nil
}

// Values returns the canonical query string of f: lists as repeated keys,
// sorted; defaults (no keywords, default sort, page 1) omitted. Parse of it
// gives f back. Encode() sorts the keys, so equal filters give equal URLs
// (good for caches).
func (f Filter) Values() url.Values {
	v := url.Values{}
	if f.Q != "" {
		v.Set(KeyQ, f.Q)
	}
	for _, k := range listKeys {
		for _, s := range slices.Sorted(slices.Values(f.list(k))) {
			v.Add(k, s)
		}
	}
	if !f.From.IsZero() {
		v.Set(KeyFrom, f.From.Format(DateLayout))
	}
	if !f.To.IsZero() {
		v.Set(KeyTo, f.To.Format(DateLayout))
	}
	if f.Sort != "" && f.Sort != defaultSort(f.Q) {
		v.Set(KeySort, f.Sort)
	}
	if f.Page > 1 {
		v.Set(KeyPage, strconv.Itoa(f.Page))
	}
	return v
}

// With returns f with value added to a list key (theme, body, mode, status,
// region, audience) or set for q, from, to, sort; the page goes back to 1
// (page itself can be set with key "page"). The value is checked like any
// query-string value: an invalid one changes nothing.
func (f Filter) With(key, value string) Filter {
	v := f.Values()
	switch {
	case key == KeyPage:
		v.Set(KeyPage, value)
		g, _ := Parse(v)
		return g
	case slices.Contains(listKeys, key):
		v.Add(key, value)
	default:
		v.Set(key, value)
	}
	v.Del(KeyPage)
	g, _ := Parse(v)
	return g
}

// Without returns f without value in a list key, or with q, from, to or sort
// cleared (value is then ignored); the page goes back to 1.
func (f Filter) Without(key, value string) Filter {
	v := f.Values()
	if slices.Contains(listKeys, key) {
		if n, ok := normalizer(key)(value); ok {
			value = n
		}
		rest := slices.DeleteFunc(v[key], func(s string) bool { return s == value })
		if len(rest) == 0 {
			v.Del(key)
		} else {
			v[key] = rest
		}
	} else {
		v.Del(key)
	}
	v.Del(KeyPage)
	g, _ := Parse(v)
	return g
}

func normalizer(key string) func(string) (string, bool) {
	switch key {
	case KeyMode:
		return normEnum(modes)
	case KeyStatus:
		return normEnum(statuses)
	case KeyAudience:
		return normEnum(audiences)
	case KeyRegion:
		return normRegion
	}
	return normSlug
}

// PageValues returns the query string of page n (clamped to 1..MaxPage) of
// the same list, for pagination links.
func (f Filter) PageValues(n int) url.Values {
	f.Page = min(max(n, 1), MaxPage)
	return f.Values()
}

// IsZero reports whether nothing narrows the list: no keywords, no list
// value, no date. Sort and page are not filters.
func (f Filter) IsZero() bool {
	if f.Q != "" || !f.From.IsZero() || !f.To.IsZero() {
		return false
	}
	for _, k := range listKeys {
		if len(f.list(k)) > 0 {
			return false
		}
	}
	return true
}

// Active lists the active filters in a stable order (keywords, lists in key
// order, dates), each with the query string that removes it.
func (f Filter) Active() []Chip {
	var out []Chip
	add := func(key, value string) {
		out = append(out, Chip{Key: key, Value: value, Remove: f.Without(key, value).Values().Encode()})
	}
	if f.Q != "" {
		add(KeyQ, f.Q)
	}
	for _, k := range listKeys {
		for _, s := range f.list(k) {
			add(k, s)
		}
	}
	if !f.From.IsZero() {
		add(KeyFrom, f.From.Format(DateLayout))
	}
	if !f.To.IsZero() {
		add(KeyTo, f.To.Format(DateLayout))
	}
	return out
}
