package web

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"participe/internal/account"
	"participe/internal/contrib"
	"participe/internal/notify"
	"participe/internal/participe"
	"participe/internal/tools/proposals"
)

// proposalHandlers serve the proposals tool, moderation and notifications. Each parses
// its input, calls one service method, and renders or redirects.
type proposalHandlers struct {
	s      *Server
	svc    *proposals.Service
	mod    *contrib.Moderation
	notify *notify.Service
	// pages is the anonymous visitors' micro-cache (proposals_cache.go).
	pages *pageCache
}

// seedCookie keeps the random order of a visitor's list stable between pages.
const seedCookie = "participe_ordre"

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func viewerID(r *http.Request) int64 {
	if a := ActorFrom(r.Context()); a != nil {
		return a.PersonID
	}
	return 0
}

// applyErrors puts a service's field errors on the page; it reports false for other
// errors, which the caller returns to the error adapter.
func applyErrors(p *Page, err error) bool {
	var fe *proposals.FormErrors
	if errors.As(err, &fe) {
		for _, e := range fe.Fields {
			p.AddError(e.Field, e.Key)
		}
		return true
	}
	if keepsForm(err) {
		de, _ := participe.AsError(err)
		p.AddError(de.Field, de.Key)
		return true
	}
	return false
}

// formStatus is the status of a form shown again: 429 when a rate limit refused it (the
// typed text is kept), 422 for invalid input.
func formStatus(err error) int {
	if participe.IsCode(err, participe.ETOOMANY) {
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}

// keepsForm reports whether err is shown on the form again (invalid input or a rate
// limit) rather than on an error page.
func keepsForm(err error) bool {
	de, ok := participe.AsError(err)
	return ok && de.Field != "" && (de.Code == participe.EINVALID || de.Code == participe.ETOOMANY)
}

type sortOption struct {
	Key, Label, URL string
	Current         bool
}

// proposalCard is a list entry with every text already translated: a list page of 20
// cards then costs field reads instead of hundreds of reflective method calls in the
// template (the list must serve 2,000 pages/s).
type proposalCard struct {
	ID                             int64
	URL, Title, TitleLang          string
	Official                       bool
	Theme, Answer, Author, Channel string
	Date, ISO, Excerpt             string
	For, Against, Args, Comments   string
	Mine                           string
}

type proposalListData struct {
	Page
	Cards       []proposalCard
	CardsHTML   template.HTML
	FiltersHTML template.HTML
	SortsHTML   template.HTML
	Support     bool
	List        *proposals.ListPage
	Sorts       []sortOption
	Pager       Pager
	Base        string
	CanPropose  bool
	Open        bool
	Following   bool
	ThemeName   string
}

func (h *proposalHandlers) list(w http.ResponseWriter, r *http.Request) error {
	lq := proposals.ParseListQuery(r.URL.Query())
	if lq.Sort == proposals.SortRandom {
		lq.Seed = h.visitorSeed(w, r)
	}
	viewer := viewerID(r)
	lp, err := h.svc.List(r.Context(), r.PathValue("slug"), lq, viewer)
	if err != nil {
		return err
	}
	i := lp.Initiative
	p := h.s.newPage(r, "proposals.list.title")
	p.Title = p.T("proposals.list.title") + " — " + p.L(i.TitleFR, i.TitleEN)
	base := "/initiatives/" + i.Slug + "/propositions"
	d := &proposalListData{Page: p, List: lp, Base: base, Open: i.Open(h.s.Clock.Now())}
	d.CanPropose = d.Open && (i.Settings.WhoMayPropose == proposals.ProposeParticipants || p.Actor.Has(participe.RoleManager, i.BodyID))
	d.Breadcrumb = []Crumb{{p.T("nav.home"), p.URL("/")}, {p.T("nav.initiatives"), p.URL("/initiatives")},
		{p.L(i.TitleFR, i.TitleEN), p.URL("/initiatives/" + i.Slug)}, {p.T("proposals.list.title"), ""}}
	for _, key := range proposals.Sorts {
		q := lq.Values()
		q.Del("tri")
		if key != proposals.SortSupport {
			q.Set("tri", key)
		}
		u := p.URL(base)
		if enc := q.Encode(); enc != "" {
			u += "?" + enc
		}
		d.Sorts = append(d.Sorts, sortOption{Key: key, Label: p.T("proposals.sort." + key), URL: u, Current: key == lq.Sort})
	}
	d.Pager = NewPager(p.URL(base), lq.Values(), lq.Page, proposals.PerPage, lp.Total)
	d.Support = i.Settings.VoteType == proposals.VoteSupport
	d.Cards = make([]proposalCard, len(lp.Proposals))
	body := p.L(i.BodyFR, i.BodyEN)
	for k := range lp.Proposals {
		pr := &lp.Proposals[k]
		c := &d.Cards[k]
		c.ID, c.Official, c.Excerpt = pr.ID, pr.Official, pr.Excerpt
		c.URL = p.URL(base + "/" + strconv.FormatInt(pr.ID, 10))
		c.Title = pr.Title
		if p.IsEN() {
			if pr.TitleEN != "" {
				c.Title = pr.TitleEN
			} else {
				c.TitleLang = "fr-CA"
			}
		}
		if t := i.ThemeOf(pr.ThemeID); t != nil {
			c.Theme = p.L(t.FR, t.EN)
		}
		if st := i.Settings.StateOf(pr.AnswerState); st != nil {
			c.Answer = p.L(st.FR, st.EN)
		}
		c.Author, c.Channel = authorLine(&p, pr.Author, pr.Official, body)
		c.Date, c.ISO = p.Date(pr.CreatedAt), p.ISO(pr.CreatedAt)
		c.For, c.Against = p.TN("proposals.counts.for", pr.VotesFor), p.TN("proposals.counts.against", pr.VotesAgainst)
		c.Args, c.Comments = p.TN("proposals.counts.arguments", pr.Arguments), p.TN("proposals.counts.comments", pr.Comments)
		switch pr.MyVote {
		case 1:
			c.Mine = p.T("proposals.vote.mine_for")
		case -1:
			c.Mine = p.T("proposals.vote.mine_against")
		}
	}
	if viewer != 0 {
		d.Following = h.notify.IsFollowing(r.Context(), viewer, notify.TargetInitiative, i.ID)
	}
	d.CardsHTML = renderCards(&d.Page, d.Cards, d.Support)
	d.FiltersHTML, d.SortsHTML = renderListTools(d)
	h.s.render(w, r, http.StatusOK, "proposals/list", d)
	return nil
}

// authorLine says who a contribution is from, and its channel when not the web.
func authorLine(p *Page, a proposals.Author, official bool, body string) (string, string) {
	var who string
	switch {
	case official:
		who = p.T("proposals.author.official", body)
	case a.EnteredByStaff && a.OnBehalfName != "":
		who = p.T("proposals.author.behalf", a.OnBehalfName)
	case a.EnteredByStaff:
		who = p.T("proposals.author.behalf_anonymous")
	case a.Pseudonym != "" && a.Organisation != "":
		who = p.T("proposals.author.by_org", a.Pseudonym, a.Organisation)
	case a.Pseudonym != "":
		who = p.T("proposals.author.by", a.Pseudonym)
	default:
		who = p.T("proposals.author.anonymous")
	}
	channel := ""
	if a.Channel != "" && a.Channel != "web" {
		channel = p.T("contrib.channel." + a.Channel)
	}
	return who, channel
}

// visitorSeed returns the visitor's random-order seed, setting the cookie on first use.
func (h *proposalHandlers) visitorSeed(w http.ResponseWriter, r *http.Request) int64 {
	if c, err := r.Cookie(seedCookie); err == nil {
		if n, err := strconv.ParseInt(c.Value, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := int64(binary.BigEndian.Uint64(b[:])>>34) + 1
	http.SetCookie(w, &http.Cookie{Name: seedCookie, Value: strconv.FormatInt(n, 10), Path: "/", MaxAge: 30 * 86400,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.s.Cfg.SecureCookies()})
	return n
}

type proposalFormData struct {
	Page
	Orgs    []account.Organisation
	OrgID   int64
	I       *proposals.Initiative
	Title   string
	Body    string
	ThemeID int64
}

func (h *proposalHandlers) newForm(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "proposals.error.signin")
	}
	i, err := h.svc.PublicInitiative(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !i.Open(h.s.Clock.Now()) {
		return participe.KeyError(participe.ECONFLICT, "proposals.error.closed")
	}
	d := &proposalFormData{Page: h.s.newPage(r, "proposals.new.title"), I: i}
	if d.Orgs, err = account.Organisations(r.Context(), h.s.DB, a.PersonID); err != nil {
		return err
	}
	h.formFrame(d)
	h.s.render(w, r, http.StatusOK, "proposals/new", d)
	return nil
}

func (h *proposalHandlers) formFrame(d *proposalFormData) {
	p := &d.Page
	p.NoIndex = true
	base := "/initiatives/" + d.I.Slug
	d.Breadcrumb = []Crumb{{p.T("nav.home"), p.URL("/")}, {p.L(d.I.TitleFR, d.I.TitleEN), p.URL(base)},
		{p.T("proposals.list.title"), p.URL(base + "/propositions")}, {p.T("proposals.new.title"), ""}}
}

func (h *proposalHandlers) submit(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "proposals.error.signin")
	}
	in, parseErr := parseProposalForm(w, r)
	slug := r.PathValue("slug")
	var id int64
	err := parseErr
	if err == nil {
		id, err = h.svc.Submit(r.Context(), a, slug, in)
	}
	if err == nil {
		p := h.s.newPage(r, "")
		h.s.SetFlash(r.Context(), "success", p.T("proposals.flash.submitted"))
		http.Redirect(w, r, p.URL("/initiatives/"+slug+"/propositions/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
		return nil
	}
	i, ierr := h.svc.PublicInitiative(r.Context(), slug)
	if ierr != nil {
		return ierr
	}
	d := &proposalFormData{Page: h.s.newPage(r, "proposals.new.title"), I: i, Title: in.Title, Body: in.Body, ThemeID: in.ThemeID, OrgID: in.OrganisationID}
	if !applyErrors(&d.Page, err) {
		return err
	}
	status := formStatus(err)
	if d.Orgs, err = account.Organisations(r.Context(), h.s.DB, a.PersonID); err != nil {
		return err
	}
	h.formFrame(d)
	h.s.render(w, r, status, "proposals/new", d)
	return nil
}

// parseProposalForm reads the proposal form, multipart (with an attachment) or not.
// Oversized uploads become a field error, never a 500.
func parseProposalForm(w http.ResponseWriter, r *http.Request) (proposals.ProposalInput, error) {
	var in proposals.ProposalInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, proposals.AttachmentMax+256<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return in, participe.FieldError("attachment", "proposals.error.attachment_size")
			}
			return in, participe.KeyError(participe.EINVALID, "proposals.error.form")
		}
		if f, fh, err := r.FormFile("attachment"); err == nil {
			data, rerr := io.ReadAll(io.LimitReader(f, proposals.AttachmentMax+1))
			f.Close()
			if rerr != nil {
				return in, participe.FieldError("attachment", "proposals.error.attachment_type")
			}
			if len(data) > 0 {
				in.Attachment = &proposals.Upload{Name: fh.Filename, Data: data}
			}
		}
	} else if err := r.ParseForm(); err != nil {
		return in, participe.KeyError(participe.EINVALID, "proposals.error.form")
	}
	in = proposalInputFrom(r.Form, in)
	return in, nil
}

// proposalInputFrom reads the text fields of the proposal form.
func proposalInputFrom(f url.Values, in proposals.ProposalInput) proposals.ProposalInput {
	in.Title = f.Get("title")
	in.Body = f.Get("body")
	if t, err := strconv.ParseInt(f.Get("theme"), 10, 64); err == nil && t > 0 {
		in.ThemeID = t
	} else if f.Get("theme") != "" {
		in.ThemeID = -1 // an unknown theme is reported, not silently dropped
	}
	if o, err := strconv.ParseInt(f.Get("organisation"), 10, 64); err == nil && o > 0 {
		in.OrganisationID = o
	}
	return in
}

// commentView is a comment with its texts translated and links built (a page shows 50).
type commentView struct {
	ID, ParentID                   int64
	Depth                          int
	Hidden, CanReply               bool
	Moderated, Body                string
	Author, Channel, When, ISO     string
	Up, Down                       string
	MyVote                         int
	VoteURL, ReportURL, ReplyField string
	ReplyValue                     string
}

// commentLabels are the thread's repeated texts, translated once per page.
type commentLabels struct {
	ReplyTo, VoteUp, VoteDown, Unvote, This, Report, Reply, ReplyLabel, ReplySubmit, None string
	CommentURL                                                                            string
}

func commentViews(p *Page, base string, list []proposals.Comment, values map[string]string) ([]commentView, commentLabels) {
	out := make([]commentView, len(list))
	// Computed once per page, not per comment (a page shows 50): link prefixes, and
	// the vote counts' texts (most comments share a few small counts).
	votePrefix := p.URL(base + "/commentaires/")
	reportPrefix, reportNext := p.URL("/contributions/"), "/signaler?next="+url.QueryEscape(p.URL(base))
	ups, downs := map[int64]string{}, map[int64]string{}
	count := func(m map[int64]string, key string, n int64) string {
		s, ok := m[n]
		if !ok {
			s = p.TN(key, n)
			m[n] = s
		}
		return s
	}
	for k := range list {
		c := &list[k]
		v := &out[k]
		v.ID, v.ParentID, v.Depth, v.Hidden, v.CanReply, v.MyVote = c.ID, c.ParentID, c.Depth, c.Hidden(), c.CanReply(), c.MyVote
		if v.Hidden {
			if c.HiddenReason != "" {
				v.Moderated = p.T("contrib.hidden.reason", c.HiddenReason)
			} else {
				v.Moderated = p.T("contrib.hidden.pending")
			}
			continue
		}
		v.Body = c.Body
		v.Author, v.Channel = authorLine(p, c.Author, false, "")
		v.When, v.ISO = p.DateTime(c.CreatedAt), p.ISO(c.CreatedAt)
		v.Up, v.Down = count(ups, "proposals.comments.up", c.Up), count(downs, "proposals.comments.down", c.Down)
		id := strconv.FormatInt(c.ID, 10)
		v.VoteURL = votePrefix + id + "/vote"
		v.ReportURL = reportPrefix + id + reportNext
		v.ReplyField = "reply-" + id
		v.ReplyValue = values[v.ReplyField]
	}
	l := commentLabels{ReplyTo: p.T("proposals.comments.reply_to"), VoteUp: p.T("proposals.comments.vote_up"), VoteDown: p.T("proposals.comments.vote_down"),
		Unvote: p.T("proposals.comments.unvote"), This: p.T("proposals.comments.this"), Report: p.T("contrib.report.link"),
		Reply: p.T("proposals.comments.reply"), ReplyLabel: p.T("proposals.comments.reply_label"), ReplySubmit: p.T("proposals.comments.reply_submit"),
		None: p.T("proposals.comments.none"), CommentURL: p.URL(base + "/commentaires")}
	return out, l
}

type proposalPageData struct {
	Page
	CommentsHTML  template.HTML
	ArgumentsHTML template.HTML
	Comments      []commentView
	Labels        commentLabels
	P             *proposals.Page
	Open          bool
	VotingOpen    bool
	Support       bool
	Values        map[string]string
	Base          string
	ThemeName     string
	StateLabel    string
}

func (h *proposalHandlers) show(w http.ResponseWriter, r *http.Request) error {
	return h.renderShow(w, r, http.StatusOK, nil, nil)
}

// renderShow draws the proposal page, with a form's errors and typed values on error.
func (h *proposalHandlers) renderShow(w http.ResponseWriter, r *http.Request, status int, formErr error, values map[string]string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := h.svc.Page(r.Context(), r.PathValue("slug"), id, viewerID(r))
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "")
	i := pg.Initiative
	title := pg.Proposal.Title
	if p.IsEN() && pg.Proposal.TitleEN != "" {
		title = pg.Proposal.TitleEN
	}
	if pg.Proposal.Hidden() {
		title = p.T("proposals.hidden.title")
	}
	p.Title = title
	now := h.s.Clock.Now()
	base := "/initiatives/" + i.Slug + "/propositions/" + strconv.FormatInt(id, 10)
	d := &proposalPageData{Page: p, P: pg, Open: i.Open(now), VotingOpen: i.VotingOpen(now), Support: i.Settings.VoteType == proposals.VoteSupport,
		Values: values, Base: base}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if formErr != nil && !applyErrors(&d.Page, formErr) {
		return formErr
	}
	if pg.Theme.ID != 0 {
		d.ThemeName = p.L(pg.Theme.FR, pg.Theme.EN)
	}
	if pg.Answer != nil {
		if st, ok := i.Settings.State(pg.Answer.State); ok {
			d.StateLabel = p.L(st.FR, st.EN)
		}
	}
	d.Breadcrumb = []Crumb{{p.T("nav.home"), p.URL("/")}, {p.L(i.TitleFR, i.TitleEN), p.URL("/initiatives/" + i.Slug)},
		{p.T("proposals.list.title"), p.URL("/initiatives/" + i.Slug + "/propositions")}, {title, ""}}
	d.Comments, d.Labels = commentViews(&d.Page, base, pg.Comments, d.Values)
	d.CommentsHTML = renderComments(&d.Page, d.Comments, d.Labels, d.Open)
	d.ArgumentsHTML = renderArguments(d)
	h.s.render(w, r, status, "proposals/show", d)
	return nil
}

type moreCommentsData struct {
	Page
	CommentsHTML template.HTML
	Comments     []commentView
	Labels       commentLabels
	M            *proposals.MoreComments
	Base         string
	Open         bool
}

func (h *proposalHandlers) moreComments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.svc.More(r.Context(), r.PathValue("slug"), id, r.URL.Query().Get("apres"))
	if err != nil {
		return err
	}
	p := h.s.newPage(r, "proposals.comments.more_title")
	base := "/initiatives/" + m.Initiative.Slug + "/propositions/" + strconv.FormatInt(id, 10)
	d := &moreCommentsData{Page: p, M: m, Base: base, Open: m.Initiative.Open(h.s.Clock.Now())}
	d.Comments, d.Labels = commentViews(&d.Page, base, m.Comments, nil)
	d.CommentsHTML = renderComments(&d.Page, d.Comments, d.Labels, d.Open)
	d.Breadcrumb = []Crumb{{p.T("nav.home"), p.URL("/")}, {p.L(m.Initiative.TitleFR, m.Initiative.TitleEN), p.URL("/initiatives/" + m.Initiative.Slug)},
		{m.Proposal.Title, p.URL(base)}, {p.T("proposals.comments.more_title"), ""}}
	h.s.render(w, r, http.StatusOK, "proposals/comments", d)
	return nil
}

// back redirects to the proposal page (at anchor) after a successful action.
// Votes take this path without a flash: no Page is built (it would pop the session's
// flash for nothing), the redirect is only a localized path.
func (h *proposalHandlers) back(w http.ResponseWriter, r *http.Request, flashKey, anchor string) error {
	lang := LangFrom(r.Context())
	if flashKey != "" {
		h.s.SetFlash(r.Context(), "success", h.s.Cat.T(lang, flashKey))
	}
	u := LocalPath(lang, "/initiatives/"+r.PathValue("slug")+"/propositions/"+r.PathValue("id"))
	http.Redirect(w, r, u+anchor, http.StatusSeeOther)
	return nil
}

func (h *proposalHandlers) vote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(r.PostFormValue("value"))
	if err != nil {
		return participe.KeyError(participe.EINVALID, "proposals.error.vote_value")
	}
	if _, err := h.svc.Vote(r.Context(), ActorFrom(r.Context()), id, v); err != nil {
		return err
	}
	// No flash here: the page says "Vous avez voté pour", and a flash would make every
	// vote a second durable write (the session row).
	return h.back(w, r, "", "#vote")
}

func (h *proposalHandlers) argument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	side, text := r.PostFormValue("side"), r.PostFormValue("text")
	if _, err := h.svc.AddArgument(r.Context(), ActorFrom(r.Context()), id, side, text); err != nil {
		if keepsForm(err) {
			return h.renderShow(w, r, formStatus(err), err, map[string]string{"argument-" + side: text})
		}
		return err
	}
	return h.back(w, r, "proposals.flash.argument", "#arguments")
}

func (h *proposalHandlers) useful(w http.ResponseWriter, r *http.Request) error {
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	if err := h.svc.MarkUseful(r.Context(), ActorFrom(r.Context()), aid); err != nil {
		return err
	}
	return h.back(w, r, "", "#a"+r.PathValue("aid"))
}

func (h *proposalHandlers) comment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var parent int64
	if p := r.PostFormValue("parent"); p != "" {
		if parent, err = strconv.ParseInt(p, 10, 64); err != nil || parent <= 0 {
			return participe.KeyError(participe.EINVALID, "proposals.error.form")
		}
	}
	text := r.PostFormValue("text")
	cid, err := h.svc.AddComment(r.Context(), ActorFrom(r.Context()), id, parent, text)
	if err != nil {
		if keepsForm(err) {
			field := "comment"
			if parent != 0 {
				field = "reply-" + strconv.FormatInt(parent, 10)
			}
			return h.renderShow(w, r, formStatus(err), err, map[string]string{field: text})
		}
		return err
	}
	return h.back(w, r, "proposals.flash.comment", "#c"+strconv.FormatInt(cid, 10))
}

func (h *proposalHandlers) commentVote(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(r.PostFormValue("value"))
	if err != nil {
		return participe.KeyError(participe.EINVALID, "proposals.error.vote_value")
	}
	if err := h.svc.VoteComment(r.Context(), ActorFrom(r.Context()), cid, v); err != nil {
		return err
	}
	return h.back(w, r, "", "#c"+r.PathValue("cid"))
}

func (h *proposalHandlers) attachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, dir, err := h.svc.AttachmentOf(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := os.Open(proposals.AttachmentPath(dir, a.File))
	if err != nil {
		return errNotFound
	}
	defer f.Close()
	w.Header().Set("Content-Type", a.Mime)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	disp := "attachment"
	if strings.HasPrefix(a.Mime, "image/") || a.Mime == "application/pdf" {
		disp = "inline"
	}
	w.Header().Set("Content-Disposition", disp+`; filename*=UTF-8''`+url.PathEscape(a.Name))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", h.s.Clock.Now(), f)
	return nil
}

type reportFormData struct {
	Page
	ID      int64
	Reasons []string
	Reason  string
	Text    string
	Next    string
}

func (h *proposalHandlers) reportForm(w http.ResponseWriter, r *http.Request) error {
	if ActorFrom(r.Context()) == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "contrib.error.signin")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := &reportFormData{Page: h.s.newPage(r, "contrib.report.title"), ID: id, Reasons: contrib.ReportReasons,
		Next: SafeNext(r.URL.Query().Get("next"), "/mon-espace/signalements")}
	d.NoIndex = true
	h.s.render(w, r, http.StatusOK, "moderation/report", d)
	return nil
}

func (h *proposalHandlers) report(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reason, text := r.PostFormValue("reason"), proposals.NormalizeText(r.PostFormValue("text"))
	next := SafeNext(r.PostFormValue("next"), "/mon-espace/signalements")
	if err := h.mod.Report(r.Context(), ActorFrom(r.Context()), id, reason, text); err != nil {
		d := &reportFormData{Page: h.s.newPage(r, "contrib.report.title"), ID: id, Reasons: contrib.ReportReasons, Reason: reason, Text: text, Next: next}
		if !applyErrors(&d.Page, err) {
			return err
		}
		h.s.render(w, r, formStatus(err), "moderation/report", d)
		return nil
	}
	p := h.s.newPage(r, "")
	h.s.SetFlash(r.Context(), "success", p.T("contrib.flash.reported"))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *proposalHandlers) follow(w http.ResponseWriter, r *http.Request) error {
	a := ActorFrom(r.Context())
	if a == nil {
		return participe.KeyError(participe.EUNAUTHORIZED, "notify.error.signin")
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return participe.KeyError(participe.EINVALID, "notify.error.target")
	}
	on := r.PostFormValue("on") != "0"
	if err := h.notify.Follow(r.Context(), a.PersonID, r.PostFormValue("target"), id, on); err != nil {
		return err
	}
	p := h.s.newPage(r, "")
	if on {
		h.s.SetFlash(r.Context(), "success", p.T("notify.flash.followed"))
	} else {
		h.s.SetFlash(r.Context(), "success", p.T("notify.flash.unfollowed"))
	}
	http.Redirect(w, r, SafeNext(r.PostFormValue("next"), p.URL("/mon-espace/notifications/preferences")), http.StatusSeeOther)
	return nil
}
