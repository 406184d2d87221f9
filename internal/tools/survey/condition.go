package survey

import (
	"fmt"
	"regexp"
	"strconv"

	"participe/internal/participe"
)

// Visibility says which sections and questions are shown for a set of answers.
type Visibility struct {
	Sections  map[string]bool
	Questions map[string]bool
}

// Evaluate computes what is visible, in survey order: a condition only sees answers to
// visible earlier questions, so an answer left behind on a question that became hidden
// never shows anything further (and is dropped on submit).
func (d *Definition) Evaluate(a Answers) Visibility {
	n := 0
	for _, s := range d.Sections {
		n += len(s.Questions)
	}
	v := Visibility{Sections: make(map[string]bool, len(d.Sections)), Questions: make(map[string]bool, n)}
	for _, s := range d.Sections {
		sv := v.holds(d, s.ShowIf, a)
		v.Sections[s.Key] = sv
		for _, q := range s.Questions {
			v.Questions[q.Key] = sv && v.holds(d, q.ShowIf, a)
		}
	}
	return v
}

func (v Visibility) holds(d *Definition, c *Condition, a Answers) bool {
	if c == nil || len(c.Conditions) == 0 {
		return true
	}
	any, all := false, true
	for _, cl := range c.Conditions {
		ok := false
		if v.Questions[cl.Question] {
			if q := d.Question(cl.Question); q != nil {
				ok = clauseHolds(q, a[cl.Question], cl.Equals)
			}
		}
		any = any || ok
		all = all && ok
	}
	if c.Op == "or" {
		return any
	}
	return all
}

func clauseHolds(q *Question, ans Answer, eq string) bool {
	switch q.Type {
	case TSingle, TMultiple, TRanking:
		for _, c := range ans.Choices {
			if c == eq {
				return true
			}
		}
		return false
	case TScale, TNumber:
		f, err := strconv.ParseFloat(eq, 64)
		return err == nil && ans.Number != nil && *ans.Number == f
	}
	return ans.Text != "" && ans.Text == eq
}

// Prune keeps only answers to visible, answerable questions: answers to hidden questions
// are dropped, never stored (issue 6).
func (d *Definition) Prune(a Answers) Answers {
	return d.pruneWith(a, d.Evaluate(a))
}

// pruneWith is Prune with the visibility of a already evaluated.
func (d *Definition) pruneWith(a Answers, v Visibility) Answers {
	out := make(Answers, len(a))
	for si := range d.Sections {
		for qi := range d.Sections[si].Questions {
			q := &d.Sections[si].Questions[qi]
			if ans, ok := a[q.Key]; ok && q.Answerable() && v.Questions[q.Key] {
				out[q.Key] = ans
			}
		}
	}
	return out
}

var keyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_\-]{0,62}$`)

// ValidKey reports whether k can be a section, question or option key.
func ValidKey(k string) bool { return keyRe.MatchString(k) }

// Validate checks a whole definition: unique keys, options per type, sane bounds, and
// conditions that only point to earlier questions (so no cycle can exist) with values
// those questions can take. Errors name the faulty element.
func (d *Definition) Validate() error {
	if len(d.Sections) > MaxSections {
		return invalid("survey.error.too_many_sections", "too many sections")
	}
	seenSec := map[string]bool{}
	seenQ := map[string]*Question{}
	count := 0
	for si := range d.Sections {
		s := &d.Sections[si]
		if !ValidKey(s.Key) || seenSec[s.Key] {
			return invalid("survey.error.section_key", "section %d: bad or duplicate key %q", si+1, s.Key)
		}
		seenSec[s.Key] = true
		if s.TitleFR == "" {
			return invalid("survey.error.section_title", "section %s: title required", s.Key)
		}
		// A section's condition may only use questions of earlier sections.
		if err := checkCondition(s.ShowIf, seenQ, "section "+s.Key); err != nil {
			return err
		}
		for qi := range s.Questions {
			q := &s.Questions[qi]
			count++
			if count > MaxQuestions {
				return invalid("survey.error.too_many_questions", "too many questions")
			}
			if !ValidKey(q.Key) || seenQ[q.Key] != nil || q.Key == "_total" {
				return invalid("survey.error.question_key", "question %q: bad or duplicate key", q.Key)
			}
			if err := checkCondition(q.ShowIf, seenQ, "question "+q.Key); err != nil {
				return err
			}
			if err := q.validate(); err != nil {
				return err
			}
			seenQ[q.Key] = q
		}
	}
	return nil
}

func invalid(key, format string, args ...any) error {
	return &participe.Error{Code: participe.EINVALID, Key: key, Message: fmt.Sprintf(format, args...)}
}

func checkCondition(c *Condition, earlier map[string]*Question, where string) error {
	if c == nil {
		return nil
	}
	if c.Op != "and" && c.Op != "or" {
		return invalid("survey.error.condition_op", "%s: condition operator must be and/or", where)
	}
	if len(c.Conditions) > 20 {
		return invalid("survey.error.condition_later", "%s: too many conditions", where)
	}
	for _, cl := range c.Conditions {
		q := earlier[cl.Question]
		if q == nil {
			return invalid("survey.error.condition_later", "%s: condition on %q, which is not an earlier question", where, cl.Question)
		}
		switch q.Type {
		case TSingle, TMultiple, TRanking:
			if !q.HasOption(cl.Equals) && !(q.Other && cl.Equals == OtherKey) {
				return invalid("survey.error.condition_value", "%s: %q is not an option of %q", where, cl.Equals, q.Key)
			}
		case TScale:
			n, err := strconv.Atoi(cl.Equals)
			if err != nil || n < q.Scale.Min || n > q.Scale.Max {
				return invalid("survey.error.condition_value", "%s: %q is not a value of %q", where, cl.Equals, q.Key)
			}
		case TNumber:
			if _, err := strconv.ParseFloat(cl.Equals, 64); err != nil {
				return invalid("survey.error.condition_value", "%s: %q is not a number", where, cl.Equals)
			}
		case TInfo, TMatrix:
			return invalid("survey.error.condition_value", "%s: %q cannot be used in a condition", where, q.Key)
		}
	}
	return nil
}

func (q *Question) validate() error {
	known := false
	for _, t := range Types {
		known = known || t == q.Type
	}
	if !known {
		return invalid("survey.error.type", "question %s: unknown type %q", q.Key, q.Type)
	}
	if q.LabelFR == "" {
		return invalid("survey.error.label", "question %s: label required", q.Key)
	}
	needsOptions := q.Type == TSingle || q.Type == TMultiple || q.Type == TRanking || q.Type == TMatrix
	if needsOptions {
		if len(q.Options) < 1 || len(q.Options) > MaxOptions {
			return invalid("survey.error.options", "question %s: needs between 1 and %d options", q.Key, MaxOptions)
		}
		if err := uniqueOptions(q.Key, q.Options); err != nil {
			return err
		}
	}
	if q.Type == TMatrix {
		if len(q.Rows) < 1 || len(q.Rows) > MaxOptions {
			return invalid("survey.error.rows", "question %s: a matrix needs rows", q.Key)
		}
		if err := uniqueOptions(q.Key, q.Rows); err != nil {
			return err
		}
	}
	if q.Type == TScale {
		if q.Scale == nil || q.Scale.Min >= q.Scale.Max || q.Scale.Min < -100 || q.Scale.Max > 100 || q.Scale.Max-q.Scale.Min > 20 {
			return invalid("survey.error.scale", "question %s: scale bounds", q.Key)
		}
	}
	if q.Type == TMultiple {
		n := len(q.Options)
		if q.Other {
			n++
		}
		if q.MinChoices < 0 || q.MaxChoices < 0 || (q.MaxChoices > 0 && q.MinChoices > q.MaxChoices) || q.MinChoices > n {
			return invalid("survey.error.choices", "question %s: min/max choices", q.Key)
		}
	}
	if q.Type == TNumber && q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		return invalid("survey.error.bounds", "question %s: min above max", q.Key)
	}
	if q.Display != "" && q.Display != "radio" && q.Display != "list" {
		return invalid("survey.error.type", "question %s: display", q.Key)
	}
	return nil
}

func uniqueOptions(qkey string, opts []Option) error {
	seen := map[string]bool{}
	for _, o := range opts {
		if !ValidKey(o.Key) || seen[o.Key] || o.LabelFR == "" {
			return invalid("survey.error.option_key", "question %s: bad, duplicate or unlabelled option %q", qkey, o.Key)
		}
		seen[o.Key] = true
	}
	return nil
}
