package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NBSP is the non-breaking space French typography needs before ":" and inside « ».
const NBSP = "\u00a0"

// Quebec is the time zone dates are shown in.
var Quebec = mustLoad("America/Toronto")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is embedded by main; this only happens in a broken build.
		return time.FixedZone("EST", -5*3600)
	}
	return loc
}

var (
	monthsFR   = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	weekdaysFR = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
)

// FormatDate gives "23 novembre 2026" ("1er décembre 2026") or "November 23, 2026".
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Quebec)
	if lang == "en" {
		return t.Format("January 2, 2006")
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + monthsFR[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// FormatDateLong gives "mardi 23 novembre 2026" or "Tuesday, November 23, 2026".
func FormatDateLong(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Quebec)
	if lang == "en" {
		return t.Format("Monday, January 2, 2006")
	}
	return weekdaysFR[t.Weekday()] + " " + FormatDate(lang, t)
}

// FormatTime gives "14 h 30", "9 h" or "2:30 p.m.", "9 a.m.".
func FormatTime(lang string, t time.Time) string {
	t = t.In(Quebec)
	if lang == "en" {
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		suffix := " a.m."
		if t.Hour() >= 12 {
			suffix = " p.m."
		}
		if t.Minute() == 0 {
			return strconv.Itoa(h) + suffix
		}
		return strconv.Itoa(h) + ":" + twoDigits(t.Minute()) + suffix
	}
	if t.Minute() == 0 {
		return strconv.Itoa(t.Hour()) + NBSP + "h"
	}
	return strconv.Itoa(t.Hour()) + NBSP + "h" + NBSP + twoDigits(t.Minute())
}

// FormatDateTime gives "23 novembre 2026, 14 h 30" / "November 23, 2026, 2:30 p.m.".
func FormatDateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return FormatDate(lang, t) + ", " + FormatTime(lang, t)
	}
	return FormatDate(lang, t) + " à " + FormatTime(lang, t)
}

// ISODate gives 2026-11-23 in Québec time (tables, exports, datetime attributes).
func ISODate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Quebec).Format("2006-01-02")
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// FormatNumber gives "1 234" (French, non-breaking space) or "1,234".
func FormatNumber(lang string, n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	sep := NBSP
	if lang == "en" {
		sep = ","
	}
	if len(s) > 3 {
		var b strings.Builder
		pre := len(s) % 3
		if pre > 0 {
			b.WriteString(s[:pre])
		}
		for i := pre; i < len(s); i += 3 {
			if b.Len() > 0 {
				b.WriteString(sep)
			}
			b.WriteString(s[i : i+3])
		}
		s = b.String()
	}
	if neg {
		return "-" + s
	}
	return s
}

// FormatDecimal gives "12,5" or "12.5" with at most `digits` decimals (trailing zeros dropped).
func FormatDecimal(lang string, f float64, digits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	whole := int64(f)
	s := strconv.FormatFloat(math.Abs(f-float64(whole)), 'f', digits, 64)
	frac := strings.TrimRight(strings.TrimPrefix(s, "0."), "0")
	if strings.HasPrefix(s, "1") { // rounding carried over
		if f >= 0 {
			whole++
		} else {
			whole--
		}
		frac = ""
	}
	out := FormatNumber(lang, whole)
	if f < 0 && whole == 0 {
		out = "-0"
	}
	if frac == "" || digits == 0 {
		return out
	}
	if lang == "en" {
		return out + "." + frac
	}
	return out + "," + frac
}

// FormatPercent gives "12,5 %" or "12.5%" from a fraction (0.125).
func FormatPercent(lang string, fraction float64) string {
	v := FormatDecimal(lang, fraction*100, 1)
	if lang == "en" {
		return v + "%"
	}
	return v + NBSP + "%"
}

// FrenchTypography puts non-breaking spaces where Québec French wants them: before ":"
// and inside « ». It leaves "://" (URLs) and times like "14:30" alone.
func FrenchTypography(s string) string {
	if !strings.ContainsAny(s, ":«»") {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case ':':
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			prev := rune(0)
			if i > 0 {
				prev = rs[i-1]
			}
			isURL := next == '/'
			isClock := prev >= '0' && prev <= '9' && next >= '0' && next <= '9'
			if !isURL && !isClock && i > 0 {
				str := b.String()
				str = strings.TrimRight(str, " ")
				if !strings.HasSuffix(str, NBSP) {
					str += NBSP
				}
				b.Reset()
				b.WriteString(str)
			}
			b.WriteRune(r)
		case '«':
			b.WriteRune(r)
			if i+1 < len(rs) && rs[i+1] != ' ' && rs[i+1] != '\u00a0' {
				b.WriteString(NBSP)
			}
		case '»':
			str := strings.TrimRight(b.String(), " ")
			if !strings.HasSuffix(str, NBSP) {
				str += NBSP
			}
			b.Reset()
			b.WriteString(str)
			b.WriteRune(r)
		default:
			if r == ' ' && i > 0 && rs[i-1] == '«' {
				b.WriteString(NBSP)
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
