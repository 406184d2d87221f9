package results

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Server-rendered, accessible SVG charts (DESIGN.md "Charts"): role="img" with a title
// and description referenced by aria-labelledby, every value written as text beside its
// bar, series told apart by patterns (solid, hatched, dotted) as well as colour, and a
// data table next to each chart in the page.

// Series is one series of a bar chart.
type Series struct {
	Label  string
	Values []float64
	// Texts are the values as displayed (formatted for the page's language).
	Texts []string
}

// Chart describes a horizontal bar chart: one row per category, one bar per series.
type Chart struct {
	ID         string
	Title      string
	Desc       string
	Categories []string
	Series     []Series
	// Max is the value of a full bar (0: the largest value).
	Max float64
}

var fills = []string{"url(#%s-p0)", "url(#%s-p1)", "url(#%s-p2)", "url(#%s-p3)", "url(#%s-p4)"}

func patternDefs(id string) string {
	// p0 solid dark blue, p1 diagonal hatching, p2 dots, p3 cross-hatching, p4 vertical lines.
	return fmt.Sprintf(`<defs>
<pattern id="%[1]s-p0" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#095797"/></pattern>
<pattern id="%[1]s-p1" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#dae6f0"/><rect width="3" height="8" fill="#19406c"/></pattern>
<pattern id="%[1]s-p2" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#f1f1f2"/><circle cx="3" cy="3" r="1.6" fill="#4e5662"/></pattern>
<pattern id="%[1]s-p3" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#f8e69a"/><path d="M0 0L8 8M8 0L0 8" stroke="#223654" stroke-width="1.2"/></pattern>
<pattern id="%[1]s-p4" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/><rect width="2" height="6" fill="#6b4fa1"/></pattern>
</defs>`, id)
}

// SVG renders the chart.
func (c Chart) SVG() template.HTML {
	const width, labelH, barH, gap, valueW = 400.0, 20.0, 14.0, 10.0, 70.0
	max := c.Max
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v > max {
				max = v
			}
		}
	}
	if max <= 0 {
		max = 1
	}
	legendH := 0.0
	if len(c.Series) > 1 {
		legendH = legendHeight(c.Series, width)
	}
	rowH := labelH + float64(len(c.Series))*(barH+4) + gap
	height := legendH + float64(len(c.Categories))*rowH + 4
	var b strings.Builder
	id := html.EscapeString(c.ID)
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	b.WriteString(patternDefs(id))
	y := 0.0
	if len(c.Series) > 1 {
		y = legend(&b, id, c.Series, width)
	}
	barMax := width - valueW
	for ci, cat := range c.Categories {
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="13" font-weight="600" fill="#223654">%s</text>`, y+15, html.EscapeString(cat))
		y += labelH
		for si, s := range c.Series {
			v, t := 0.0, ""
			if ci < len(s.Values) {
				v = s.Values[ci]
			}
			if ci < len(s.Texts) {
				t = s.Texts[ci]
			}
			w := v / max * barMax
			if v > 0 && w < 2 {
				w = 2
			}
			fmt.Fprintf(&b, `<rect x="0" y="%.1f" width="%.1f" height="%.0f" fill="`+fills[si%len(fills)]+`" stroke="#223654" stroke-width="0.5"/>`, y, w, barH, id)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" fill="#223654">%s</text>`, w+6, y+barH-3, html.EscapeString(t))
			y += barH + 4
		}
		y += gap
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// StackedChart is a vertical stacked bar chart over time (periods × series).
type StackedChart struct {
	ID     string
	Title  string
	Desc   string
	Labels []string
	Series []Series
}

// SVG renders the stacked chart, with a legend and the total above each bar.
func (c StackedChart) SVG() template.HTML {
	const width, bottom, left = 400.0, 36.0, 4.0
	n := len(c.Labels)
	totals := make([]float64, n)
	max := 0.0
	for i := 0; i < n; i++ {
		for _, s := range c.Series {
			if i < len(s.Values) {
				totals[i] += s.Values[i]
			}
		}
		if totals[i] > max {
			max = totals[i]
		}
	}
	if max <= 0 {
		max = 1
	}
	var b strings.Builder
	id := html.EscapeString(c.ID)
	top := legendHeight(c.Series, width) + 16
	height := top + 180 + bottom
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	b.WriteString(patternDefs(id))
	legend(&b, id, c.Series, width)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	plotH := height - top - bottom
	slot := (width - left) / float64(n)
	bw := slot * 0.7
	for i := 0; i < n; i++ {
		bx := left + float64(i)*slot + (slot-bw)/2
		y := height - bottom
		for si, s := range c.Series {
			if i >= len(s.Values) || s.Values[i] <= 0 {
				continue
			}
			h := s.Values[i] / max * plotH
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="`+fills[si%len(fills)]+`" stroke="#223654" stroke-width="0.5"/>`, bx, y, bw, h, id)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#223654">%.0f</text>`, bx+bw/2, y-4, totals[i])
		if n <= 12 || i%((n+11)/12) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#223654">%s</text>`, bx+bw/2, height-bottom+16, html.EscapeString(c.Labels[i]))
		}
	}
	fmt.Fprintf(&b, `<line x1="0" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#4e5662"/>`, height-bottom, width, height-bottom)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// legendItemWidth estimates the width of one legend entry (swatch, gap, label).
func legendItemWidth(label string) float64 { return 34 + float64(len([]rune(label)))*7.2 }

// legendHeight is the height of the legend, wrapped to width.
func legendHeight(series []Series, width float64) float64 {
	rows, x := 1, 0.0
	for _, s := range series {
		w := legendItemWidth(s.Label)
		if x > 0 && x+w > width {
			rows++
			x = 0
		}
		x += w
	}
	return float64(rows)*22 + 6
}

// legend draws the legend (swatch with the series' pattern, then its label), wrapping
// to new rows, and returns the y where the plot starts.
func legend(b *strings.Builder, id string, series []Series, width float64) float64 {
	x, y := 0.0, 4.0
	for i, s := range series {
		w := legendItemWidth(s.Label)
		if x > 0 && x+w > width {
			x = 0
			y += 22
		}
		fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="18" height="14" fill="`+fills[i%len(fills)]+`" stroke="#223654"/>`, x, y, id)
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="13" fill="#223654">%s</text>`, x+24, y+12, html.EscapeString(s.Label))
		x += w
	}
	return y + 28
}
