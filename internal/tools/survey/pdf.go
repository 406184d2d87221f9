package survey

import (
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// PDF writes the printable paper form of the survey: every section and question with
// boxes to tick and lines to write on, and a response id box for data entry. It uses the
// PDF core fonts (no font file shipped) with cp1252 translation for French accents; the
// HTML print page is the accessible equivalent.
func PDF(w io.Writer, sv *Survey, lang string) error {
	p := fpdf.New("P", "mm", "Letter", "")
	tr := p.UnicodeTranslatorFromDescriptor("")
	t := func(s string) string {
		s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "’", "'", "«", "\"", "»", "\"", "—", "-", "–", "-", "…", "...", "œ", "oe").Replace(s)
		return tr(s)
	}
	L := func(fr, en string) string { return t(Label(lang, fr, en)) }
	p.SetTitle(Label(lang, sv.TitleFR, sv.TitleEN), true)
	p.SetAuthor("Participe", true)
	p.SetLang(map[bool]string{true: "en-CA", false: "fr-CA"}[lang == "en"])
	p.SetMargins(18, 18, 18)
	p.SetAutoPageBreak(true, 18)
	p.SetFooterFunc(func() {
		p.SetY(-14)
		p.SetFont("Helvetica", "", 8)
		p.CellFormat(0, 6, t(Label(lang, "Page ", "Page "))+strconv.Itoa(p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	// Response id box, top right: staff write the paper form id here and type it at entry.
	p.SetFont("Helvetica", "", 8)
	p.SetXY(140, 12)
	p.CellFormat(58, 5, t(Label(lang, "Numéro du formulaire (réservé)", "Form number (office use)")), "", 2, "L", false, 0, "")
	p.Rect(140, 17, 58, 10, "D")
	p.SetXY(18, 30)
	p.SetFont("Helvetica", "B", 16)
	p.MultiCell(0, 8, L(sv.TitleFR, sv.TitleEN), "", "L", false)
	p.SetFont("Helvetica", "", 10)
	if in := Label(lang, sv.IntroFR, sv.IntroEN); in != "" {
		p.Ln(2)
		p.MultiCell(0, 5, t(stripMarkdown(in)), "", "L", false)
	}
	box := func() {
		x, y := p.GetX(), p.GetY()
		p.Rect(x, y+1, 3.5, 3.5, "D")
		p.SetX(x + 6)
	}
	lines := func(n int) {
		for i := 0; i < n; i++ {
			p.Ln(7)
			y := p.GetY()
			p.Line(18, y, 198, y)
		}
		p.Ln(3)
	}
	for si, sec := range sv.Sections {
		p.Ln(4)
		p.SetFont("Helvetica", "B", 13)
		p.MultiCell(0, 7, t(strconv.Itoa(si+1)+". ")+L(sec.TitleFR, sec.TitleEN), "", "L", false)
		if sec.ShowIf != nil {
			p.SetFont("Helvetica", "I", 9)
			p.MultiCell(0, 5, t(conditionText(sv, sec.ShowIf, lang)), "", "L", false)
		}
		p.SetFont("Helvetica", "", 10)
		if in := Label(lang, sec.IntroFR, sec.IntroEN); in != "" {
			p.MultiCell(0, 5, t(stripMarkdown(in)), "", "L", false)
		}
		for qi := range sec.Questions {
			q := &sec.Questions[qi]
			p.Ln(3)
			if q.Type == TInfo {
				p.SetFont("Helvetica", "I", 10)
				p.MultiCell(0, 5, L(q.LabelFR, q.LabelEN), "", "L", false)
				continue
			}
			p.SetFont("Helvetica", "B", 10)
			label := Label(lang, q.LabelFR, q.LabelEN)
			if q.Required {
				label += " *"
			}
			p.MultiCell(0, 5, t(label), "", "L", false)
			p.SetFont("Helvetica", "", 9)
			if q.ShowIf != nil {
				p.MultiCell(0, 4.5, t(conditionText(sv, q.ShowIf, lang)), "", "L", false)
			}
			if h := Label(lang, q.HelpFR, q.HelpEN); h != "" {
				p.MultiCell(0, 4.5, t(h), "", "L", false)
			}
			p.SetFont("Helvetica", "", 10)
			switch q.Type {
			case TSingle, TMultiple:
				if q.Type == TMultiple {
					p.SetFont("Helvetica", "I", 9)
					p.MultiCell(0, 4.5, t(Label(lang, "Cochez toutes les réponses qui s'appliquent.", "Tick all that apply.")), "", "L", false)
					p.SetFont("Helvetica", "", 10)
				}
				for _, o := range q.Options {
					box()
					p.MultiCell(0, 5.5, L(o.LabelFR, o.LabelEN), "", "L", false)
				}
				if q.Other {
					box()
					p.CellFormat(0, 5.5, t(Label(lang, "Autre : ", "Other: "))+strings.Repeat("_", 60), "", 1, "L", false, 0, "")
				}
			case TScale:
				for v := q.Scale.Min; v <= q.Scale.Max; v++ {
					box()
					l := strconv.Itoa(v)
					if v == q.Scale.Min && q.Scale.MinLabelFR != "" {
						l += " - " + Label(lang, q.Scale.MinLabelFR, q.Scale.MinLabelEN)
					}
					if v == q.Scale.Max && q.Scale.MaxLabelFR != "" {
						l += " - " + Label(lang, q.Scale.MaxLabelFR, q.Scale.MaxLabelEN)
					}
					p.CellFormat(0, 5.5, t(l), "", 1, "L", false, 0, "")
				}
			case TMatrix:
				w := 180.0 / float64(len(q.Options)+2)
				p.SetFont("Helvetica", "B", 8)
				p.CellFormat(w*2, 6, "", "1", 0, "L", false, 0, "")
				for _, o := range q.Options {
					p.CellFormat(w, 6, L(o.LabelFR, o.LabelEN), "1", 0, "C", false, 0, "")
				}
				p.Ln(-1)
				p.SetFont("Helvetica", "", 9)
				for _, r := range q.Rows {
					p.CellFormat(w*2, 7, L(r.LabelFR, r.LabelEN), "1", 0, "L", false, 0, "")
					for range q.Options {
						p.CellFormat(w, 7, "O", "1", 0, "C", false, 0, "")
					}
					p.Ln(-1)
				}
			case TRanking:
				p.SetFont("Helvetica", "I", 9)
				p.MultiCell(0, 4.5, t(Label(lang, "Numérotez de 1 (premier choix) à ", "Number from 1 (first choice) to ")+strconv.Itoa(len(q.Options))+"."), "", "L", false)
				p.SetFont("Helvetica", "", 10)
				for _, o := range q.Options {
					p.CellFormat(0, 6, "____  "+L(o.LabelFR, o.LabelEN), "", 1, "L", false, 0, "")
				}
			case TLongText:
				lines(4)
			case TNumber, TDate, TEmail, TPostalCode, TShortText:
				hint := map[string]string{TDate: Label(lang, "(AAAA-MM-JJ)", "(YYYY-MM-DD)"), TPostalCode: "(A1A 1A1)"}[q.Type]
				if hint != "" {
					p.CellFormat(0, 5, t(hint), "", 1, "L", false, 0, "")
				}
				lines(1)
			}
		}
	}
	return p.Output(w)
}

func stripMarkdown(s string) string {
	return strings.NewReplacer("**", "", "__", "").Replace(s)
}

// conditionText explains a condition in words, for paper and phone ("Répondez si…").
func conditionText(sv *Survey, c *Condition, lang string) string {
	d := sv.Def()
	var parts []string
	for _, cl := range c.Conditions {
		q := d.Question(cl.Question)
		if q == nil {
			continue
		}
		parts = append(parts, "« "+Label(lang, q.LabelFR, q.LabelEN)+" » = "+q.OptionLabel(lang, cl.Equals))
	}
	sep := map[bool]string{true: " et ", false: " ou "}[c.Op == "and"]
	prefix := "Répondez seulement si "
	if lang == "en" {
		sep = map[bool]string{true: " and ", false: " or "}[c.Op == "and"]
		prefix = "Answer only if "
	}
	return prefix + strings.Join(parts, sep)
}

// ConditionText is conditionText for templates.
func ConditionText(sv *Survey, c *Condition, lang string) string { return conditionText(sv, c, lang) }
