package survey

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"

	"participe/internal/participe"
)

// The builder's changes. Each is a func(*Definition) error for Service.Edit, so that every
// change goes through the same validation and response-compatibility check.

func (d *Definition) sectionIndex(key string) int {
	for i, s := range d.Sections {
		if s.Key == key {
			return i
		}
	}
	return -1
}

func (d *Definition) questionPos(key string) (int, int) {
	for si, s := range d.Sections {
		for qi, q := range s.Questions {
			if q.Key == key {
				return si, qi
			}
		}
	}
	return -1, -1
}

func notFound(what string) error { return participe.Errorf(participe.ENOTFOUND, "%s not found", what) }

// uniqueKey returns base, or base-2, base-3… not yet used by a section or question.
func (d *Definition) uniqueKey(base string) string {
	used := map[string]bool{"_total": true}
	for _, s := range d.Sections {
		used[s.Key] = true
		for _, q := range s.Questions {
			used[q.Key] = true
		}
	}
	if !used[base] {
		return base
	}
	for i := 2; ; i++ {
		k := fmt.Sprintf("%s-%d", base, i)
		if !used[k] {
			return k
		}
	}
}

// AddSection appends a section (a key is made when empty).
func AddSection(s Section) func(*Definition) error {
	return func(d *Definition) error {
		if s.Key == "" {
			s.Key = d.uniqueKey(fmt.Sprintf("s%d", len(d.Sections)+1))
		}
		if s.Questions == nil {
			s.Questions = []Question{}
		}
		d.Sections = append(d.Sections, s)
		return nil
	}
}

// UpdateSection changes a section's texts and condition (its questions stay).
func UpdateSection(key string, in Section) func(*Definition) error {
	return func(d *Definition) error {
		i := d.sectionIndex(key)
		if i < 0 {
			return notFound("section")
		}
		s := &d.Sections[i]
		s.TitleFR, s.TitleEN, s.IntroFR, s.IntroEN, s.ShowIf = in.TitleFR, in.TitleEN, in.IntroFR, in.IntroEN, in.ShowIf
		return nil
	}
}

// DeleteSection removes a section and its questions.
func DeleteSection(key string) func(*Definition) error {
	return func(d *Definition) error {
		i := d.sectionIndex(key)
		if i < 0 {
			return notFound("section")
		}
		d.Sections = append(d.Sections[:i], d.Sections[i+1:]...)
		return nil
	}
}

// MoveSection moves a section up (dir -1) or down (dir +1).
func MoveSection(key string, dir int) func(*Definition) error {
	return func(d *Definition) error {
		i := d.sectionIndex(key)
		j := i + dir
		if i < 0 {
			return notFound("section")
		}
		if j < 0 || j >= len(d.Sections) {
			return nil
		}
		d.Sections[i], d.Sections[j] = d.Sections[j], d.Sections[i]
		return nil
	}
}

// AddQuestion appends a question to a section (a key is made when empty).
func AddQuestion(section string, q Question) func(*Definition) error {
	return func(d *Definition) error {
		i := d.sectionIndex(section)
		if i < 0 {
			return notFound("section")
		}
		if q.Key == "" {
			q.Key = d.uniqueKey(Slug(q.LabelFR, "q"))
		}
		d.Sections[i].Questions = append(d.Sections[i].Questions, q)
		return nil
	}
}

// UpdateQuestion replaces a question, keeping its key and place.
func UpdateQuestion(key string, q Question) func(*Definition) error {
	return func(d *Definition) error {
		si, qi := d.questionPos(key)
		if si < 0 {
			return notFound("question")
		}
		q.Key = key
		d.Sections[si].Questions[qi] = q
		return nil
	}
}

// DeleteQuestion removes a question.
func DeleteQuestion(key string) func(*Definition) error {
	return func(d *Definition) error {
		si, qi := d.questionPos(key)
		if si < 0 {
			return notFound("question")
		}
		qs := d.Sections[si].Questions
		d.Sections[si].Questions = append(qs[:qi], qs[qi+1:]...)
		return nil
	}
}

// MoveQuestion moves a question up (dir -1) or down (dir +1); at the edge of its section
// it moves to the end of the previous (or start of the next) section. A move that would
// put a question before the one its condition depends on is refused by Validate.
func MoveQuestion(key string, dir int) func(*Definition) error {
	return func(d *Definition) error {
		si, qi := d.questionPos(key)
		if si < 0 {
			return notFound("question")
		}
		qs := d.Sections[si].Questions
		j := qi + dir
		if j >= 0 && j < len(qs) {
			qs[qi], qs[j] = qs[j], qs[qi]
			return nil
		}
		ns := si + dir
		if ns < 0 || ns >= len(d.Sections) {
			return nil
		}
		q := qs[qi]
		d.Sections[si].Questions = append(qs[:qi], qs[qi+1:]...)
		if dir < 0 {
			d.Sections[ns].Questions = append(d.Sections[ns].Questions, q)
		} else {
			d.Sections[ns].Questions = append([]Question{q}, d.Sections[ns].Questions...)
		}
		return nil
	}
}

// Slug makes a key from a label: lower case, no accents, dashes; fallback when empty.
func Slug(s, fallback string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 0x300 && r <= 0x36f:
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return fallback
	}
	return out
}

// ParseOptionLines reads the builder's option list: one option a line, either
// "libellé" or "clé | libellé FR | label EN".
func ParseOptionLines(text string) ([]Option, error) {
	var out []Option
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		var o Option
		switch len(parts) {
		case 1:
			o = Option{Key: Slug(parts[0], fmt.Sprintf("o%d", len(out)+1)), LabelFR: parts[0]}
		case 2:
			o = Option{Key: parts[0], LabelFR: parts[1]}
		default:
			o = Option{Key: parts[0], LabelFR: parts[1], LabelEN: strings.Join(parts[2:], "|")}
		}
		base := o.Key
		for i := 2; seen[o.Key]; i++ {
			o.Key = fmt.Sprintf("%s-%d", base, i)
		}
		seen[o.Key] = true
		if !ValidKey(o.Key) {
			return nil, invalid("survey.error.option_key", "bad option key %q", o.Key)
		}
		out = append(out, o)
	}
	return out, nil
}

// FormatOptionLines writes options back as builder lines.
func FormatOptionLines(opts []Option) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(o.Key + " | " + o.LabelFR)
		if o.LabelEN != "" {
			b.WriteString(" | " + o.LabelEN)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseConditionLines reads "question = valeur" lines into a condition (nil when none).
func ParseConditionLines(op, text string) (*Condition, error) {
	c := &Condition{Op: op}
	if c.Op != "or" {
		c.Op = "and"
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		q, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, invalid("survey.error.condition_syntax", "condition line %q", line)
		}
		c.Conditions = append(c.Conditions, Clause{Question: strings.TrimSpace(q), Equals: strings.TrimSpace(v)})
	}
	if len(c.Conditions) == 0 {
		return nil, nil
	}
	return c, nil
}

// FormatConditionLines writes a condition back as builder lines.
func FormatConditionLines(c *Condition) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	for _, cl := range c.Conditions {
		b.WriteString(cl.Question + " = " + cl.Equals + "\n")
	}
	return b.String()
}
