package i18n

import (
	"testing"
	"time"
)

// The real catalogs must load: every key in both languages, no duplicates.
func TestCatalogsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) == 0 {
		t.Fatal("no keys loaded")
	}
	for _, k := range c.Keys() {
		if c.T("en", k) == "" || c.T("fr", k) == "" {
			t.Errorf("empty message for %s", k)
		}
	}
}

func TestFormats(t *testing.T) {
	d := time.Date(2026, 11, 23, 19, 30, 0, 0, time.UTC) // 14 h 30 in Québec
	cases := []struct{ got, want string }{
		{FormatDate("fr", d), "23 novembre 2026"},
		{FormatDate("en", d), "November 23, 2026"},
		{FormatDate("fr", time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)), "1er décembre 2026"},
		{FormatDateLong("fr", d), "lundi 23 novembre 2026"},
		{FormatTime("fr", d), "14\u00a0h\u00a030"},
		{FormatTime("fr", time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)), "9\u00a0h"},
		{FormatTime("en", d), "2:30 p.m."},
		{FormatNumber("fr", 1234567), "1\u00a0234\u00a0567"},
		{FormatNumber("en", 1234), "1,234"},
		{FormatNumber("fr", 999), "999"},
		{FormatPercent("fr", 0.125), "12,5\u00a0%"},
		{FormatPercent("en", 0.125), "12.5%"},
		{FormatPercent("fr", 0.5), "50\u00a0%"},
		{FormatDecimal("fr", 3.999, 1), "4"},
		{FrenchTypography("Adresse : ici"), "Adresse\u00a0: ici"},
		{FrenchTypography("Titre: « oui »"), "Titre\u00a0: «\u00a0oui\u00a0»"},
		{FrenchTypography("https://quebec.ca à 14:30"), "https://quebec.ca à 14:30"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q want %q", i, c.got, c.want)
		}
	}
}

func TestPlural(t *testing.T) {
	c := &Catalog{msgs: map[string]map[string]string{
		"fr": {"x.one": "%s initiative", "x.other": "%s initiatives"},
		"en": {"x.one": "%s initiative", "x.other": "%s initiatives"},
	}}
	if got := c.TN("fr", "x", 0); got != "0 initiative" {
		t.Error(got)
	}
	if got := c.TN("en", "x", 0); got != "0 initiatives" {
		t.Error(got)
	}
	if got := c.TN("fr", "x", 1234); got != "1\u00a0234 initiatives" {
		t.Error(got)
	}
}
