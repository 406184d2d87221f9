package filter

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"q=%C3%A9lectricit%C3%A9&theme=sante&theme=energie&body=hydro-quebec&mode=online&status=open&region=06&audience=jeunes&from=2026-11-01&to=2026-12-31&sort=popular&page=3",
		"theme=Sante,%20energie,,sante&mode=IN-PERSON,phone&region=6,06,17",
		"from=1/2/2026&to=28/02/2026",
		"from=2026-12-01&to=2026-11-01",
		"q=%ff%fe&sort=relevance&page=99999999999999999999",
		"q=%zz&theme=a;b&theme=%00",
		"q=x&sort=relevance&q=y",
		"region=+1&region=-1&region=1e1&page=-0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, probs := ParseQuery(raw)
		if got.Page < 1 || got.Page > MaxPage || got.Sort == "" {
			t.Fatalf("Page %d, Sort %q", got.Page, got.Sort)
		}
		if !utf8.ValidString(got.Q) || utf8.RuneCountInString(got.Q) > MaxQRunes {
			t.Fatalf("Q %q", got.Q)
		}
		for _, p := range probs {
			if !utf8.ValidString(p.Value) {
				t.Fatalf("problem value %q", p.Value)
			}
		}
		for _, k := range listKeys {
			if l := got.list(k); len(l) > MaxListValues {
				t.Fatalf("%s has %d values", k, len(l))
			}
		}
		again, p2 := Parse(got.Values())
		if !reflect.DeepEqual(again, got) || len(p2) > 0 {
			t.Fatalf("round trip of %q:\n got  %+v %+v\n want %+v", raw, again, p2, got)
		}
		// The helpers build filters that round-trip too.
		for _, c := range got.Active() {
			w := got.Without(c.Key, c.Value)
			if back, p := Parse(w.Values()); !reflect.DeepEqual(back, w) || len(p) > 0 {
				t.Fatalf("Without(%s, %s) does not round-trip", c.Key, c.Value)
			}
			if back, _ := ParseQuery(c.Remove); !reflect.DeepEqual(back, w) {
				t.Fatalf("chip %s=%s Remove %q gives %+v, want %+v", c.Key, c.Value, c.Remove, back, w)
			}
			if reflect.DeepEqual(w, got) {
				t.Fatalf("Without(%s, %q) changed nothing", c.Key, c.Value)
			}
		}
	})
}
