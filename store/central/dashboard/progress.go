package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dropin/store"
	"dropin/tui/i18n"
)

// series is one line of the chart: a running total per day.
type series struct {
	key, color string
	values     []int
	dashed     bool
}

type legendItem struct {
	Color, Label string
	Dash         string // the line's dashes, as the chart draws it ("" solid)
}

type progressData struct {
	Chart  template.HTML
	Legend []legendItem
	Notes  []string
	Empty  string
}

const (
	colorCollected = "#1d4ed8"
	colorUpgraded  = "#15803d"
	colorLogin     = "#7e22ce"
	colorCutover   = "#b91c1c"
	colorExpected  = "#71717a"

	dashProjection = "6 5"
	dashExpected   = "2 3"
)

func (s *Server) progress(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	days, err := s.progressDays(r.Context(), v.viewer.Tenant, st)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	_, total, err := st.Coverage(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, "progress", http.StatusOK, buildProgress(v.t, days, total.Total(), s.o.Now().In(s.o.Location), s.o.Cutover, s.o.Location))
}

func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// dayIndex counts calendar days from a to b (a daylight-saving day is a day).
func dayIndex(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

// buildProgress makes the chart and the sentences under it: the running
// totals by day, the pace of the last seven days (or of the days since
// the first intake, where there are fewer), when that pace has
// every tablet collected, and whether that is before the cut-over.
func buildProgress(t i18n.Catalog, days []store.DayProgress, expected int, now, cutover time.Time, loc *time.Location) progressData {
	var d progressData
	d.Legend = []legendItem{{colorCollected, t.T("web.progress.collected"), ""}, {colorUpgraded, t.T("web.progress.upgraded"), ""},
		{colorLogin, t.T("web.progress.loggedin"), ""}}
	if expected > 0 {
		d.Legend = append(d.Legend, legendItem{colorExpected, t.T("web.progress.expected", expected), dashExpected})
	}
	today := midnight(now, loc)
	if len(days) == 0 {
		d.Empty = t.T("web.progress.empty")
	}
	first := today
	if len(days) > 0 && days[0].Day.Before(first) {
		first = days[0].Day
	}
	// The lines rise from none on the day before the first: a first day
	// is a line, not a dot.
	first = first.AddDate(0, 0, -1)
	n := dayIndex(first, today) + 1
	col, upg, login := make([]int, n), make([]int, n), make([]int, n)
	for _, p := range days {
		i := dayIndex(first, p.Day)
		if i < 0 || i >= n {
			continue // a desk's clock ahead of ours: it shows from today on
		}
		col[i] += p.Collected
		upg[i] += p.Upgraded
		login[i] += p.LoggedIn
	}
	for i := 1; i < n; i++ {
		col[i] += col[i-1]
		upg[i] += upg[i-1]
		login[i] += login[i-1]
	}
	// The pace is of the last seven days, or of the days since the first
	// intake where there are fewer: on a migration's first day, a week's
	// average would make the day's work a seventh of what it was, and the
	// day it ends weeks later than it will.
	collected := col[n-1]
	window := min(7, n-1)
	pace := float64(collected-col[n-1-window]) / float64(window)
	remaining := max(0, expected-collected)
	end := today
	var eta time.Time
	if window == 7 {
		d.Notes = append(d.Notes, t.T("web.progress.pace", pace))
	} else {
		d.Notes = append(d.Notes, t.T(i18n.One("web.progress.pace.sofar", window), window, pace))
	}
	switch {
	case remaining == 0 && expected > 0:
		d.Notes = append(d.Notes, t.T("web.progress.done"))
	case pace > 0:
		eta = today.AddDate(0, 0, int(math.Ceil(float64(remaining)/pace)))
		d.Notes = append(d.Notes, t.T("web.progress.eta", t.Date(eta)))
		end = eta
	default:
		d.Notes = append(d.Notes, t.T("web.progress.never"))
	}
	if cutover.IsZero() {
		d.Notes = append(d.Notes, t.T("web.progress.nocutover"))
	} else {
		cut := cutover.In(loc)
		d.Notes = append(d.Notes, t.T("web.progress.cutover", t.DateLong(cut)))
		if !cut.After(now) {
			d.Notes = append(d.Notes, t.T("web.progress.past"))
		} else if remaining > 0 {
			short := remaining - int(pace*cut.Sub(now).Hours()/24)
			if !eta.IsZero() && !eta.After(midnight(cut, loc)) {
				d.Notes = append(d.Notes, t.T("web.progress.ontime"))
			} else {
				n := max(1, min(remaining, short))
				d.Notes = append(d.Notes, t.T(i18n.One("web.progress.late", n), n))
			}
		}
		if midnight(cut, loc).After(end) {
			end = midnight(cut, loc)
		}
	}
	// Far-off dates squeeze the chart to nothing: show at most two months ahead.
	if limit := today.AddDate(0, 2, 0); end.After(limit) {
		end = limit
	}
	lines := []series{{"collected", colorCollected, col, false}, {"upgraded", colorUpgraded, upg, false}, {"login", colorLogin, login, false}}
	if !eta.IsZero() && remaining > 0 {
		proj := series{key: "projection", color: colorCollected, dashed: true}
		d.Legend = append(d.Legend, legendItem{colorCollected, t.T("web.progress.projection"), dashProjection})
		proj.values = []int{collected, expected}
		lines = append(lines, proj)
	}
	// Two drawings of the one chart: a wide one for a laptop, and one with
	// fewer dates and larger words for a phone, where the wide one's words
	// would be 4 px high. The page's style shows the one that fits.
	d.Chart = chartSVG(t, wideChart, first, today, end, eta, expected, lines, cutover, loc) +
		chartSVG(t, narrowChart, first, today, end, eta, expected, lines, cutover, loc)
	return d
}

// chartSize is a drawing's picture: its size, where the plot is inside
// it, the words' size, and about how many dates the time axis names.
type chartSize struct {
	name                           string
	w, h, left, right, top, bottom float64
	font                           float64
	dates                          int
}

var (
	wideChart   = chartSize{name: "wide", w: 800, h: 330, left: 64, right: 780, top: 24, bottom: 286, font: 12, dates: 6}
	narrowChart = chartSize{name: "narrow", w: 400, h: 300, left: 56, right: 388, top: 24, bottom: 254, font: 15, dates: 3}
)

// labelRoom is the width the cut-over's label needs left of its line
// ("Övergång 14.04.2026" at 12 px is about 120); halfDate half a date's.
func (c chartSize) labelRoom() float64 { return 150 * c.font / 12 }
func (c chartSize) halfDate() float64  { return 40 * c.font / 12 }

// chartSVG draws the running totals as lines over days, with axes, the
// cut-over as a red line and the projection dashed. Only numbers and the
// catalog's words go in, each escaped.
func chartSVG(t i18n.Catalog, g chartSize, first, today, end, eta time.Time, expected int, lines []series, cutover time.Time, loc *time.Location) template.HTML {
	W, H, left, right, top, bottom, font := g.w, g.h, g.left, g.right, g.top, g.bottom, g.font
	span := max(1, dayIndex(first, end))
	top0 := expected
	for _, s := range lines {
		for _, v := range s.values {
			top0 = max(top0, v)
		}
	}
	top0 = max(top0, 1)
	// The y axis counts in round steps (0, 50, 100, …), the top the first
	// step at or above the most there is.
	ystep := niceStep(top0, 5)
	top0 = (top0 + ystep - 1) / ystep * ystep
	// The counts' labels stand between the axis title and the plot: a
	// county's six digits push the plot right rather than under the title.
	left = max(left, yLabelsLeft(font, top0))
	x := func(day int) float64 { return left + (right-left)*float64(day)/float64(span) }
	y := func(v int) float64 { return bottom - (bottom-top)*float64(v)/float64(top0) }
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart %s" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="chart-title-%s"><title id="chart-title-%s">%s</title>`,
		g.name, W, H, g.name, g.name, esc(t.T("web.progress.title")))
	// The y axis: a line at each step, from none to the top.
	for v := 0; v <= top0; v += ystep {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d4d4d8" stroke-width="1"/>`, left, y(v), right, y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="%g" fill="#3f3f46">%d</text>`, left-6, y(v)+font/3, font, v)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%g" fill="#3f3f46" transform="rotate(-90 %.1f %.1f)" text-anchor="middle">%s</text>`,
		font+2, (top+bottom)/2, font, font+2, (top+bottom)/2, esc(t.T("web.progress.axis")))
	// The x axis: about six dates (three on a phone).
	step := max(1, (span+g.dates-1)/g.dates)
	for dd := 0; dd <= span; dd += step {
		day := first.AddDate(0, 0, dd)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#a1a1aa" stroke-width="1"/>`, x(dd), bottom, x(dd), bottom+5)
		anchor := "middle"
		if x(dd) > W-g.halfDate() {
			anchor = "end" // the last date stays inside the picture
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%g" fill="#3f3f46">%s</text>`, x(dd), bottom+font+8, anchor, font, esc(t.Date(day)))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#52525b" stroke-width="1"/>`, left, bottom, right, bottom)
	if expected > 0 {
		fmt.Fprintf(&b, `<line class="expected" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" stroke-dasharray="%s"/>`, left, y(expected), right, y(expected), colorExpected, dashExpected)
	}
	if !cutover.IsZero() {
		c := dayIndex(first, cutover.In(loc))
		if c >= 0 && c <= span {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, x(c), top, x(c), bottom, colorCutover)
			// Its label left of the line, or right of it where the line
			// stands too near the chart's left edge for the words.
			lx, anchor := x(c)-4, "end"
			if x(c) < left+g.labelRoom() {
				lx, anchor = x(c)+4, "start"
			}
			fmt.Fprintf(&b, `<text class="cutover" x="%.1f" y="%.1f" text-anchor="%s" font-size="%g" fill="%s">%s</text>`, lx, top+font, anchor, font, colorCutover,
				esc(t.T("web.progress.cutover", t.Date(cutover.In(loc)))))
		}
	}
	todayX := dayIndex(first, today)
	for _, s := range lines {
		var pts []string
		if s.dashed {
			pts = []string{fmt.Sprintf("%.1f,%.1f", x(todayX), y(s.values[0])),
				fmt.Sprintf("%.1f,%.1f", x(min(span, dayIndex(first, eta))), y(interpolate(s.values, todayX, dayIndex(first, eta), span)))}
		} else {
			for i, v := range s.values {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			}
		}
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="` + dashProjection + `"`
		}
		fmt.Fprintf(&b, `<polyline class="line-%s" points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, s.key, strings.Join(pts, " "), s.color, dash)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// yLabelsLeft is where the plot can begin so that the count axis's
// widest label (most's digits, about 0.62 of the font wide each) ends 6
// units before it and starts clear of the turned axis title.
func yLabelsLeft(font float64, most int) float64 {
	title := font + 2 + font/2 + 4 // the title's centre line, half its height, a gap
	return title + 0.62*font*float64(len(strconv.Itoa(most))) + 6
}

// niceStep is a round step (1, 2 or 5 times a power of ten) that divides
// 0..most into about n parts, and no fewer than n/2.
func niceStep(most, n int) int {
	raw := float64(most) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(max(raw, 1)))) // raw < 10*mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			return int(m * mag)
		}
	}
	return int(10 * mag)
}

// interpolate is the projection's value where the chart ends: all of them
// at the estimated day, or as far as the pace gets by the chart's edge.
func interpolate(v []int, from, to, edge int) int {
	if to <= edge || to == from {
		return v[1]
	}
	return v[0] + (v[1]-v[0])*(edge-from)/(to-from)
}
