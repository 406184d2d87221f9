package survey

import (
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldErr is one answer error: the question, the id of the field the error summary
// links to, and an i18n key with its arguments.
type FieldErr struct {
	Question string
	Field    string
	Key      string
	Args     []any
}

// FieldName is the form name of a question's main input.
func FieldName(q *Question) string { return "q." + q.Key }

// FieldID is the id of the first input of a question (the error summary links to it).
func FieldID(q *Question) string {
	switch q.Type {
	case TSingle:
		if q.Display == "list" {
			return "q-" + q.Key
		}
		if len(q.Options) > 0 {
			return "q-" + q.Key + "-" + q.Options[0].Key
		}
	case TMultiple:
		if len(q.Options) > 0 {
			return "q-" + q.Key + "-" + q.Options[0].Key
		}
	case TScale:
		if q.Scale != nil {
			return "q-" + q.Key + "-" + strconv.Itoa(q.Scale.Min)
		}
	case TMatrix:
		if len(q.Rows) > 0 && len(q.Options) > 0 {
			return "q-" + q.Key + "-" + q.Rows[0].Key + "-" + q.Options[0].Key
		}
	case TRanking:
		if len(q.Options) > 0 {
			return "q-" + q.Key + "-" + q.Options[0].Key
		}
	}
	return "q-" + q.Key
}

var postalRe = regexp.MustCompile(`^([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?([0-9][ABCEGHJ-NPRSTV-Z][0-9])$`)

// NormalizePostalCode returns a Canadian postal code as "H2X 1Y4", or false.
func NormalizePostalCode(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	m := postalRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[1] + " " + m[2], true
}

// cleanText makes form text safe to store: valid UTF-8, no NUL or control characters
// other than new lines and tabs, trimmed.
func cleanText(s string) string {
	// Fast path (most answers, and every absent field): printable ASCII, tabs and
	// newlines only, where the steps below change nothing but the trimming.
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return strings.TrimSpace(s)
	}
	return cleanTextGeneral(s)
}

// cleanTextGeneral is cleanText without its ASCII fast path.
func cleanTextGeneral(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.TrimSpace(s)
}

// numberSpaces drops the spaces of "1 234" and reads a decimal comma as a point.
var numberSpaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".")

// ParseNumber reads "12,5", "12.5" or "1 234" (French spacing) as a number.
func ParseNumber(s string) (float64, bool) {
	s = numberSpaces.Replace(strings.TrimSpace(s))
	if s == "" || len(s) > 40 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		return 0, false
	}
	return f, true
}

// ParseQuestions reads the answers to questions from a submitted form. It never fails:
// every problem becomes a FieldErr, and the answers keep what the person typed so the
// page can be shown again with nothing lost. Requiredness is checked separately
// (Check), because it depends on visibility.
func ParseQuestions(qs []*Question, form url.Values) (Answers, []FieldErr) {
	a := Answers{}
	var errs []FieldErr
	for _, q := range qs {
		if !q.Answerable() {
			continue
		}
		ans, fe := parseOne(q, form)
		if fe != nil {
			errs = append(errs, *fe)
		}
		if !ans.empty() {
			a[q.Key] = ans
		}
	}
	return a, errs
}

func (a Answer) empty() bool {
	return a.Text == "" && len(a.Choices) == 0 && a.Other == "" && len(a.Rows) == 0 && a.Number == nil
}

func ferr(q *Question, key string, args ...any) *FieldErr {
	return &FieldErr{Question: q.Key, Field: FieldID(q), Key: key, Args: args}
}

func parseOne(q *Question, form url.Values) (Answer, *FieldErr) {
	name := FieldName(q)
	raw := cleanText(form.Get(name))
	var ans Answer
	switch q.Type {
	case TShortText, TLongText:
		ans.Text = raw
		max := MaxShortText
		if q.Type == TLongText {
			max = MaxLongText
		}
		if n := utf8.RuneCountInString(raw); n > max {
			return ans, ferr(q, "survey.answer.too_long", max)
		}
	case TEmail:
		ans.Text = raw
		if raw != "" {
			addr, err := mail.ParseAddress(raw)
			if err != nil || addr.Address != raw || len(raw) > 254 || !strings.Contains(raw, ".") {
				return ans, ferr(q, "survey.answer.email")
			}
		}
	case TPostalCode:
		ans.Text = raw
		if raw != "" {
			pc, ok := NormalizePostalCode(raw)
			if !ok {
				return ans, ferr(q, "survey.answer.postal_code")
			}
			ans.Text = pc
		}
	case TDate:
		ans.Text = raw
		if raw != "" {
			if _, err := time.Parse("2006-01-02", raw); err != nil {
				return ans, ferr(q, "survey.answer.date")
			}
		}
	case TNumber:
		ans.Text = raw
		if raw != "" {
			f, ok := ParseNumber(raw)
			if !ok {
				return ans, ferr(q, "survey.answer.number")
			}
			if (q.Min != nil && f < *q.Min) || (q.Max != nil && f > *q.Max) {
				return ans, ferr(q, "survey.answer.number_range", fmtBound(q.Min), fmtBound(q.Max))
			}
			ans.Number = &f
			ans.Text = ""
		}
	case TScale:
		if raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || q.Scale == nil || n < q.Scale.Min || n > q.Scale.Max {
				return ans, ferr(q, "survey.answer.unknown_option")
			}
			f := float64(n)
			ans.Number = &f
		}
	case TSingle:
		if raw != "" {
			if !q.HasOption(raw) && !(q.Other && raw == OtherKey) {
				return ans, ferr(q, "survey.answer.unknown_option")
			}
			ans.Choices = []string{raw}
		}
		if q.Other {
			ans.Other = limitRunes(cleanText(form.Get(name+".other")), MaxShortText)
			if raw == OtherKey && ans.Other == "" {
				return ans, &FieldErr{Question: q.Key, Field: "q-" + q.Key + "-other", Key: "survey.answer.other_missing"}
			}
			if raw != OtherKey {
				ans.Other = ""
			}
		}
	case TMultiple:
		seen := map[string]bool{}
		var bad bool
		for _, v := range form[name] {
			if len(seen) > MaxOptions+1 {
				bad = true
				break
			}
			if !q.HasOption(v) && !(q.Other && v == OtherKey) {
				bad = true
				continue
			}
			if !seen[v] {
				seen[v] = true
				ans.Choices = append(ans.Choices, v)
			}
		}
		if q.Other && seen[OtherKey] {
			ans.Other = limitRunes(cleanText(form.Get(name+".other")), MaxShortText)
		}
		if bad {
			return ans, ferr(q, "survey.answer.unknown_option")
		}
		if q.Other && seen[OtherKey] && ans.Other == "" {
			return ans, &FieldErr{Question: q.Key, Field: "q-" + q.Key + "-other", Key: "survey.answer.other_missing"}
		}
		n := len(ans.Choices)
		if q.MaxChoices > 0 && n > q.MaxChoices {
			return ans, ferr(q, "survey.answer.too_many", q.MaxChoices)
		}
		if q.MinChoices > 0 && n > 0 && n < q.MinChoices {
			return ans, ferr(q, "survey.answer.too_few", q.MinChoices)
		}
	case TMatrix:
		for _, row := range q.Rows {
			v := cleanText(form.Get(name + "." + row.Key))
			if v == "" {
				continue
			}
			if !q.HasOption(v) {
				return ans, ferr(q, "survey.answer.unknown_option")
			}
			if ans.Rows == nil {
				ans.Rows = map[string]string{}
			}
			ans.Rows[row.Key] = v
		}
	case TRanking:
		type ranked struct {
			key string
			pos int
		}
		var list []ranked
		used := map[int]bool{}
		var dup bool
		for _, o := range q.Options {
			v := cleanText(form.Get(name + "." + o.Key))
			if v == "" {
				continue
			}
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > len(q.Options) {
				return ans, ferr(q, "survey.answer.unknown_option")
			}
			if used[p] {
				dup = true
			}
			used[p] = true
			list = append(list, ranked{o.Key, p})
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].pos < list[j].pos })
		for _, r := range list {
			ans.Choices = append(ans.Choices, r.key)
		}
		if dup {
			// Keep the typed order so nothing is lost, but ask for distinct positions.
			return ans, ferr(q, "survey.answer.rank_duplicate")
		}
	}
	return ans, nil
}

func limitRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

func fmtBound(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// Check verifies requiredness of the visible questions among qs (matrix and ranking:
// every row / every option). strict=false (staff entering a partly filled paper form)
// skips requiredness.
func Check(qs []*Question, a Answers, vis Visibility, strict bool) []FieldErr {
	if !strict {
		return nil
	}
	var errs []FieldErr
	for _, q := range qs {
		if !q.Required || !q.Answerable() || !vis.Questions[q.Key] {
			continue
		}
		ans, ok := a[q.Key]
		switch {
		case !ok || ans.empty():
			errs = append(errs, *ferr(q, "survey.answer.required"))
		case q.Type == TMatrix && len(ans.Rows) < len(q.Rows):
			errs = append(errs, *ferr(q, "survey.answer.matrix_incomplete"))
		case q.Type == TRanking && len(ans.Choices) < len(q.Options):
			errs = append(errs, *ferr(q, "survey.answer.rank_incomplete"))
		case q.Type == TMultiple && q.MinChoices > 0 && len(ans.Choices) < q.MinChoices:
			errs = append(errs, *ferr(q, "survey.answer.too_few", q.MinChoices))
		}
	}
	return errs
}

// FormValues turns answers back into form values (to prefill inputs).
func FormValues(qs []*Question, a Answers) url.Values {
	v := url.Values{}
	for _, q := range qs {
		ans, ok := a[q.Key]
		if !ok {
			continue
		}
		name := FieldName(q)
		switch q.Type {
		case TSingle, TMultiple:
			v[name] = append([]string(nil), ans.Choices...)
			if ans.Other != "" {
				v.Set(name+".other", ans.Other)
			}
		case TScale, TNumber:
			if ans.Number != nil {
				v.Set(name, strconv.FormatFloat(*ans.Number, 'f', -1, 64))
			} else {
				v.Set(name, ans.Text)
			}
		case TMatrix:
			for r, o := range ans.Rows {
				v.Set(name+"."+r, o)
			}
		case TRanking:
			for i, k := range ans.Choices {
				v.Set(name+"."+k, strconv.Itoa(i+1))
			}
		default:
			v.Set(name, ans.Text)
		}
	}
	return v
}
