package web

import (
	"encoding/json"
	"net/url"
	"strconv"

	"participe/internal/tools/survey"
)

// svQView is a question ready for the form template: ids, names, labels in the page's
// language, current values and its error.
type svQView struct {
	Q        *survey.Question
	Type     string
	ID       string
	Name     string
	Label    string
	Help     string
	Required bool
	Error    string
	Value    string
	Other    string
	OtherID  string
	Options  []svOptView
	Rows     []svRowView
	MinLabel string
	MaxLabel string
	List     bool // single choice shown as a list (select)
	Max      int
	// Cond explains a same-page condition in words (shown without JavaScript) and
	// CondJSON lets survey.js show or hide the question instantly.
	Cond     string
	CondJSON string
	Min, Mx  string // number bounds
	Ranks    []int
}

type svOptView struct {
	Key, Label, ID string
	Checked        bool
}

type svRowView struct {
	Key, Label, Name string
	Cells            []svOptView
	Rank             string
}

// svQuestionViews prepares questions for a form. values are the form values to show
// (typed or stored), errs the field errors. samePage are question keys on this page:
// conditions on them are left to the person (and to survey.js) instead of the server.
func svQuestionViews(p *Page, sv *survey.Survey, qs []*survey.Question, values url.Values, errs []survey.FieldErr) []svQView {
	lang := p.Lang
	errOf := map[string]string{}
	for _, e := range errs {
		if _, ok := errOf[e.Question]; !ok {
			errOf[e.Question] = p.T(e.Key, e.Args...)
		}
	}
	var out []svQView
	for _, q := range qs {
		name := survey.FieldName(q)
		v := svQView{Q: q, Type: q.Type, ID: survey.FieldID(q), Name: name, Label: survey.Label(lang, q.LabelFR, q.LabelEN),
			Help: survey.Label(lang, q.HelpFR, q.HelpEN), Required: q.Required, Error: errOf[q.Key], Value: values.Get(name),
			Other: values.Get(name + ".other"), OtherID: "q-" + q.Key + "-other", List: q.Display == "list"}
		if q.ShowIf != nil {
			v.Cond = survey.ConditionText(sv, q.ShowIf, lang)
			b, _ := json.Marshal(q.ShowIf)
			v.CondJSON = string(b)
		}
		switch q.Type {
		case survey.TShortText, survey.TEmail, survey.TPostalCode:
			v.Max = survey.MaxShortText
		case survey.TLongText:
			v.Max = survey.MaxLongText
		case survey.TNumber:
			if q.Min != nil {
				v.Min = strconv.FormatFloat(*q.Min, 'f', -1, 64)
			}
			if q.Max != nil {
				v.Mx = strconv.FormatFloat(*q.Max, 'f', -1, 64)
			}
		}
		checked := map[string]bool{}
		for _, x := range values[name] {
			checked[x] = true
		}
		for _, o := range q.Options {
			v.Options = append(v.Options, svOptView{Key: o.Key, Label: survey.Label(lang, o.LabelFR, o.LabelEN), ID: "q-" + q.Key + "-" + o.Key, Checked: checked[o.Key]})
		}
		if q.Other && (q.Type == survey.TSingle || q.Type == survey.TMultiple) {
			v.Options = append(v.Options, svOptView{Key: survey.OtherKey, Label: p.T("survey.answer.other"), ID: "q-" + q.Key + "-" + survey.OtherKey, Checked: checked[survey.OtherKey]})
		}
		if q.Type == survey.TScale && q.Scale != nil {
			v.Options = nil
			for n := q.Scale.Min; n <= q.Scale.Max; n++ {
				k := strconv.Itoa(n)
				v.Options = append(v.Options, svOptView{Key: k, Label: k, ID: "q-" + q.Key + "-" + k, Checked: checked[k]})
			}
			v.MinLabel = survey.Label(lang, q.Scale.MinLabelFR, q.Scale.MinLabelEN)
			v.MaxLabel = survey.Label(lang, q.Scale.MaxLabelFR, q.Scale.MaxLabelEN)
		}
		if q.Type == survey.TMatrix {
			for _, r := range q.Rows {
				rv := svRowView{Key: r.Key, Label: survey.Label(lang, r.LabelFR, r.LabelEN), Name: name + "." + r.Key}
				cur := values.Get(rv.Name)
				for _, o := range q.Options {
					rv.Cells = append(rv.Cells, svOptView{Key: o.Key, Label: survey.Label(lang, o.LabelFR, o.LabelEN), ID: "q-" + q.Key + "-" + r.Key + "-" + o.Key, Checked: cur == o.Key})
				}
				v.Rows = append(v.Rows, rv)
			}
		}
		if q.Type == survey.TRanking {
			for i := range q.Options {
				v.Ranks = append(v.Ranks, i+1)
			}
			for _, o := range q.Options {
				v.Rows = append(v.Rows, svRowView{Key: o.Key, Label: survey.Label(lang, o.LabelFR, o.LabelEN), Name: name + "." + o.Key, Rank: values.Get(name + "." + o.Key)})
			}
		}
		out = append(out, v)
	}
	return out
}

// svAddSurveyErrors puts survey field errors in the page's error summary.
func svAddSurveyErrors(p *Page, errs []survey.FieldErr) {
	for _, e := range errs {
		p.Errors = append(p.Errors, FieldError{Field: e.Field, Message: p.T(e.Key, e.Args...)})
	}
}
