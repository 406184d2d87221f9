package demo

// These tests check the hand-written demo catalogue (data/*.json) against the
// shared format contract (brief/demo-format.md), so that a typo in a slug or a
// missing English text is caught here rather than when `participe demo` runs.
// They read the files from disk on purpose: they do not depend on how the
// loader embeds them, but decode into the loader's own types (catalog.go), strictly,
// so the loader and the format cannot drift apart.

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func dtSet(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

var (
	dtAudiences  = dtSet("population", "jeunes", "aines", "familles", "entreprises", "organismes", "municipalites", "premieres_nations", "milieu_sante", "milieu_education", "experts")
	dtBodyKinds  = dtSet("ministere", "organisme", "societe_etat", "municipalite")
	dtNetworks   = dtSet("facebook", "x", "linkedin", "youtube", "instagram", "mastodon", "bluesky")
	dtInitKinds  = dtSet("consultation", "sondage", "idees", "memoires", "petition", "budget", "forum", "panel", "concours", "rencontre", "projet_loi")
	dtStates     = dtSet("published", "closed", "archived", "scheduled", "draft")
	dtModes      = dtSet("online", "in_person", "paper", "phone")
	dtTools      = dtSet("proposals", "survey", "docconsult", "petition", "budget", "forum", "meeting")
	dtSlugRe     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dtRegionCode = regexp.MustCompile(`^(0[1-9]|1[0-7])$`)
)

// dtLoad decodes data/<name> strictly: an unknown field means the file and the
// format contract disagree.
func dtLoad(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("data/" + name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// dtCheckText reports every empty string field whose JSON name ends in _fr or
// _en, and French fields that break the typography rules of DESIGN.md.
func dtCheckText(t *testing.T, where string, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		tag := strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]
		f := rv.Field(i)
		if f.Kind() != reflect.String {
			continue
		}
		s := f.String()
		if strings.HasSuffix(tag, "_fr") || strings.HasSuffix(tag, "_en") {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is empty", where, tag)
			}
		}
		if strings.HasSuffix(tag, "_fr") {
			dtCheckFrench(t, where+"."+tag, s)
		}
	}
}

var dtBadFrench = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`[^\x{00A0}]:(\s|$)`), "needs a non-breaking space before ':'"},
	{regexp.MustCompile(`«[^\x{00A0}]|[^\x{00A0}]»`), "needs non-breaking spaces inside « »"},
	{regexp.MustCompile(`\s[?!;]`), "no space before ? ! ; (Québec.ca style)"},
	{regexp.MustCompile(`\d \d{3}(\D|$)`), "thousands separator must be a non-breaking space"},
	{regexp.MustCompile(`\d ?%`), "needs a non-breaking space before %"},
	{regexp.MustCompile(`Gouvernement du Québec`), "gouvernement du Québec takes a lower-case g"},
	{regexp.MustCompile(`·`), "no point médian in inclusive writing"},
}

func dtCheckFrench(t *testing.T, where, s string) {
	t.Helper()
	for _, b := range dtBadFrench {
		if loc := b.re.FindStringIndex(s); loc != nil {
			lo, hi := max(0, loc[0]-20), min(len(s), loc[1]+20)
			for lo > 0 && !utf8.RuneStart(s[lo]) {
				lo--
			}
			for hi < len(s) && !utf8.RuneStart(s[hi]) {
				hi++
			}
			t.Errorf("%s: %s: …%s…", where, b.why, s[lo:hi])
		}
	}
}

// dtCheckSlug reports a slug that is not an address part or is already in seen,
// then adds it to seen.
func dtCheckSlug(t *testing.T, seen map[string]bool, what, slug string) {
	t.Helper()
	if !dtSlugRe.MatchString(slug) || seen[slug] {
		t.Errorf("%s slug %q invalid or duplicated", what, slug)
	}
	seen[slug] = true
}

func TestDemoBodies(t *testing.T) {
	var bodies []bodyData
	dtLoad(t, "bodies.json", &bodies)
	if len(bodies) < 12 {
		t.Errorf("got %d bodies, want at least 12", len(bodies))
	}
	seen := map[string]bool{}
	for _, b := range bodies {
		dtCheckSlug(t, seen, "body", b.Slug)
		dtCheckText(t, "body "+b.Slug, b)
		if !dtBodyKinds[b.Kind] {
			t.Errorf("body %s: kind %q", b.Slug, b.Kind)
		}
		if b.Acronym == "" || !strings.HasPrefix(b.Website, "https://") {
			t.Errorf("body %s: acronym %q, website %q", b.Slug, b.Acronym, b.Website)
		}
		if b.Kind == "municipalite" {
			t.Errorf("body %s: municipalities are not provincial bodies", b.Slug)
		}
		for _, s := range b.Social {
			if !dtNetworks[s.Network] || s.Handle == "" || !strings.HasPrefix(s.URL, "https://") {
				t.Errorf("body %s: bad social account %+v", b.Slug, s)
			}
		}
	}
	if !seen["sct"] || !seen["mcn"] {
		t.Error("bodies sct and mcn are required by the seed initiatives")
	}
}

func TestDemoThemesAndRegions(t *testing.T) {
	var themes []themeData
	dtLoad(t, "themes.json", &themes)
	if len(themes) < 10 {
		t.Errorf("got %d themes, want about 12", len(themes))
	}
	seen := map[string]bool{}
	for _, th := range themes {
		dtCheckSlug(t, seen, "theme", th.Slug)
		dtCheckText(t, "theme "+th.Slug, th)
	}

	var r regionsData
	dtLoad(t, "regions.json", &r)
	dtCheckText(t, "regions", r)
	if r.Year < 2020 || !strings.HasPrefix(r.SourceURL, "https://") {
		t.Errorf("regions source: year %d, url %q", r.Year, r.SourceURL)
	}
	if len(r.Regions) != 17 {
		t.Fatalf("got %d regions, want the 17 administrative regions", len(r.Regions))
	}
	var total int64
	for i, reg := range r.Regions {
		want := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17"}[i]
		if reg.Code != want {
			t.Errorf("region %d: code %q, want %q", i, reg.Code, want)
		}
		dtCheckText(t, "region "+reg.Code, reg)
		if reg.Population < 10000 {
			t.Errorf("region %s: population %d", reg.Code, reg.Population)
		}
		total += reg.Population
		sum := 0.0
		for _, g := range r.AgeGroups {
			f, ok := reg.AgeDistribution[g]
			if !ok || f <= 0 || f >= 1 {
				t.Errorf("region %s: age group %s = %v", reg.Code, g, f)
			}
			sum += f
		}
		if len(reg.AgeDistribution) != len(r.AgeGroups) || math.Abs(sum-1) > 0.01 {
			t.Errorf("region %s: age distribution %v sums to %.3f", reg.Code, reg.AgeDistribution, sum)
		}
	}
	if total < 8_500_000 || total > 9_500_000 {
		t.Errorf("Québec population %d is implausible", total)
	}
}

func TestDemoInitiatives(t *testing.T) {
	var bodies []bodyData
	var themes []themeData
	var regions regionsData
	var inits []initiativeData
	dtLoad(t, "bodies.json", &bodies)
	dtLoad(t, "themes.json", &themes)
	dtLoad(t, "regions.json", &regions)
	dtLoad(t, "initiatives.json", &inits)

	bodySet, themeSet, regionSet := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, b := range bodies {
		bodySet[b.Slug] = true
	}
	for _, th := range themes {
		themeSet[th.Slug] = true
	}
	for _, reg := range regions.Regions {
		regionSet[reg.Code] = true
	}

	if len(inits) < 45 {
		t.Errorf("got %d initiatives, want at least 45", len(inits))
	}
	slugs := map[string]*initiativeData{}
	statuses := map[string]int{}
	usedBodies, usedThemes, usedKinds := map[string]bool{}, map[string]bool{}, map[string]bool{}
	featured := 0
	for i := range inits {
		in := &inits[i]
		where := "initiative " + in.Slug
		if !dtSlugRe.MatchString(in.Slug) || slugs[in.Slug] != nil {
			t.Errorf("%s: slug invalid or duplicated", where)
		}
		slugs[in.Slug] = in
		dtCheckText(t, where, *in)
		if !bodySet[in.Body] {
			t.Errorf("%s: unknown body %q", where, in.Body)
		}
		usedBodies[in.Body] = true
		usedKinds[in.Kind] = true
		if !dtInitKinds[in.Kind] || !dtStates[in.State] {
			t.Errorf("%s: kind %q state %q", where, in.Kind, in.State)
		}
		if utf8.RuneCountInString(in.SummaryFR) > 300 || utf8.RuneCountInString(in.SummaryEN) > 300 {
			t.Errorf("%s: summary longer than 300 characters", where)
		}
		if in.ContactName == "" || !strings.Contains(in.ContactEmail, "@") || in.ContactPhone == "" {
			t.Errorf("%s: incomplete contact", where)
		}
		if in.StartsInDays >= in.EndsInDays {
			t.Errorf("%s: starts %d >= ends %d", where, in.StartsInDays, in.EndsInDays)
		}
		if len(in.Themes) == 0 || len(in.Audiences) == 0 || len(in.Modes) == 0 || len(in.Modes) > 4 || len(in.Tools) == 0 {
			t.Errorf("%s: needs themes, audiences, 1-4 modes and tools", where)
		}
		for _, th := range in.Themes {
			if !themeSet[th] {
				t.Errorf("%s: unknown theme %q", where, th)
			}
			usedThemes[th] = true
		}
		for _, rc := range in.Regions {
			if !regionSet[rc] || !dtRegionCode.MatchString(rc) {
				t.Errorf("%s: unknown region %q", where, rc)
			}
		}
		for _, a := range in.Audiences {
			if !dtAudiences[a] {
				t.Errorf("%s: unknown audience %q", where, a)
			}
		}
		for _, tool := range in.Tools {
			if !dtTools[tool] {
				t.Errorf("%s: unknown tool %q", where, tool)
			}
		}
		for _, m := range in.Modes {
			dtCheckText(t, where+" mode "+m.Mode, m)
			if !dtModes[m.Mode] {
				t.Errorf("%s: unknown mode %q", where, m.Mode)
			}
			if (m.Mode == "in_person" || m.Mode == "paper") && !strings.Contains(m.Address, "(Québec)") {
				t.Errorf("%s: %s mode needs a civic address, got %q", where, m.Mode, m.Address)
			}
			if m.Mode == "phone" && m.Phone == "" {
				t.Errorf("%s: phone mode without a number", where)
			}
			if m.Mode == "online" && !strings.HasPrefix(m.URL, "https://") {
				t.Errorf("%s: online mode without an https URL", where)
			}
		}
		if in.Results != nil {
			dtCheckText(t, where+" results", *in.Results)
			if in.EndsInDays >= 0 || in.Results.PublishedDaysAgo <= 0 || in.Results.PublishedDaysAgo > -in.EndsInDays {
				t.Errorf("%s: results must be published after the end (ends %d, published %d days ago)", where, in.EndsInDays, in.Results.PublishedDaysAgo)
			}
		}
		if in.State == "draft" {
			continue // not public
		}
		if in.Featured {
			featured++
		}
		switch {
		case in.StartsInDays > 0:
			statuses["upcoming"]++
			if in.Participants != 0 {
				t.Errorf("%s: upcoming initiative with %d participants", where, in.Participants)
			}
		case in.EndsInDays > 0:
			statuses["open"]++
		case in.Results == nil:
			statuses["closed"]++
		default:
			statuses["results"]++
		}
	}
	for _, s := range []string{"upcoming", "open", "closed", "results"} {
		if statuses[s] == 0 {
			t.Errorf("no initiative with public status %s", s)
		}
	}
	if len(usedBodies) < 10 {
		t.Errorf("initiatives use %d bodies, want at least 10", len(usedBodies))
	}
	if len(usedThemes) != len(themeSet) {
		t.Errorf("initiatives use %d of %d themes", len(usedThemes), len(themeSet))
	}
	if len(usedKinds) != len(dtInitKinds) {
		t.Errorf("initiatives use %d of %d kinds", len(usedKinds), len(dtInitKinds))
	}
	if featured < 4 || featured > 12 {
		t.Errorf("%d featured initiatives, want about 8", featured)
	}

	// The two seed initiatives are referenced by slug by dialogue.json and workbook.json.
	if d := slugs["dialogue-gouvernement-du-futur"]; d == nil {
		t.Error("missing dialogue-gouvernement-du-futur")
	} else if d.Body != "sct" || d.Results == nil || d.EndsInDays >= 0 || !reflect.DeepEqual(d.Tools, []string{"proposals"}) ||
		!dtContains(d.Themes, "numerique") || !dtContains(d.Themes, "gouvernement-ouvert") {
		t.Errorf("dialogue-gouvernement-du-futur does not match the brief: %+v", *d)
	}
	if j := slugs["journee-enjeux-gouvernement-en-ligne"]; j == nil {
		t.Error("missing journee-enjeux-gouvernement-en-ligne")
	} else {
		modes := []string{}
		for _, m := range j.Modes {
			modes = append(modes, m.Mode)
		}
		if j.Body != "mcn" || j.StartsInDays > 0 || j.EndsInDays <= 0 || !reflect.DeepEqual(j.Tools, []string{"survey"}) ||
			!dtContains(modes, "in_person") || !dtContains(modes, "online") || !dtContains(modes, "paper") ||
			!strings.Contains(j.PartnersFR, "Communautique") {
			t.Errorf("journee-enjeux-gouvernement-en-ligne does not match the brief: %+v", *j)
		}
	}
}

func dtContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestDemoNews(t *testing.T) {
	var bodies []bodyData
	var news []newsData
	dtLoad(t, "bodies.json", &bodies)
	dtLoad(t, "news.json", &news)
	bodySet := map[string]bool{}
	for _, b := range bodies {
		bodySet[b.Slug] = true
	}
	if len(news) < 8 {
		t.Errorf("got %d news items, want about 10", len(news))
	}
	for i, n := range news {
		where := "news " + n.TitleEN
		dtCheckText(t, where, n)
		if !bodySet[n.Body] {
			t.Errorf("news %d: unknown body %q", i, n.Body)
		}
		if n.DaysAgo < 0 || !strings.HasPrefix(n.URL, "https://") {
			t.Errorf("news %d: days_ago %d, url %q", i, n.DaysAgo, n.URL)
		}
	}
}
