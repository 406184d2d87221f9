package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"participe/internal/api"
	"participe/internal/participe"
	"participe/internal/results"
	"participe/internal/tools/proposals"
)

// apiHandlers serves /api/v1: JSON in, JSON out, errors as problem+json.
type apiHandlers struct {
	s       *Server
	store   *api.Store
	signer  *api.Signer
	tokens  *api.Tokens
	results *results.Service
	answers *proposals.Service
	openapi []byte
}

// apiFunc is an API handler: its error becomes problem+json.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

func (h *apiHandlers) wrap(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			_ = writeAPIError(w, r, h.s, err)
		}
	})
}

// errBadCursor and friends are API errors with their problem type.
type apiError struct {
	status int
	typ    string
	title  string
	detail string
}

func (e *apiError) Error() string { return e.title + ": " + e.detail }

func apiErr(status int, typ, title, detail string) error {
	return &apiError{status: status, typ: typ, title: title, detail: detail}
}

// writeAPIError writes err as RFC 9457 problem details; internal errors are logged and
// shown without detail.
func writeAPIError(w http.ResponseWriter, r *http.Request, s *Server, err error) error {
	var ae *apiError
	p := api.Problem{Instance: r.URL.Path}
	switch {
	case errors.As(err, &ae):
		p.Status, p.Type, p.Title, p.Detail = ae.status, api.ProblemBase+ae.typ, ae.title, ae.detail
	default:
		status := statusOf(err)
		p.Status = status
		de, ok := participe.AsError(err)
		switch status {
		case http.StatusNotFound:
			p.Type, p.Title = api.ProblemBase+"introuvable", "Not found"
			if ok {
				p.Detail = de.Message
			}
		case http.StatusBadRequest:
			p.Type, p.Title = api.ProblemBase+"requete-invalide", "Invalid request"
			if ok {
				p.Detail = s.Cat.T("en", de.Key)
				if de.Key == "" {
					p.Detail = de.Message
				}
				if de.Field != "" {
					p.Errors = []api.FieldProblem{{Field: de.Field, Detail: p.Detail}}
				}
			}
		case http.StatusForbidden:
			p.Type, p.Title, p.Detail = api.ProblemBase+"interdit", "Forbidden", "This token may not act on this resource."
		case http.StatusUnauthorized:
			p.Type, p.Title, p.Detail = api.ProblemBase+"non-authentifie", "Unauthorized", "A valid API token is required (Authorization: Bearer ptk_…)."
			w.Header().Set("WWW-Authenticate", `Bearer realm="participe"`)
		case http.StatusConflict:
			p.Type, p.Title = api.ProblemBase+"conflit", "Conflict"
			if ok && de.Key != "" {
				p.Detail = s.Cat.T("en", de.Key)
			} else if ok {
				p.Detail = de.Message
			}
		case http.StatusTooManyRequests:
			p.Type, p.Title, p.Detail = api.ProblemBase+"trop-de-requetes", "Too many requests", "Slow down and retry later."
			w.Header().Set("Retry-After", "60")
		case http.StatusServiceUnavailable:
			p.Type, p.Title = api.ProblemBase+"indisponible", "Service unavailable"
			w.Header().Set("Retry-After", "10")
		default:
			p.Status, p.Type, p.Title = http.StatusInternalServerError, api.ProblemBase+"erreur-interne", "Internal error"
			p.Detail = "Reference: " + RequestID(r.Context())
			s.Log.Error("api request failed", "err", err, "path", r.URL.Path, "request_id", RequestID(r.Context()))
		}
	}
	api.WriteProblem(w, p)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=60")
	}
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// writeList writes a page of a list with the hand-written encoder into a pooled buffer
// (no reflection: see internal/api/encode.go).
func writeList[T any, P interface {
	*T
	AppendJSON([]byte) []byte
}](w http.ResponseWriter, data []T, next *string) error {
	buf := api.GetBuffer()
	defer api.PutBuffer(buf)
	b := append(api.AppendList[T, P](*buf, data, next), '\n')
	*buf = b
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=60")
	}
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// listParams reads limit and cursor, checking the cursor was issued for this resource
// and these filters.
func (h *apiHandlers) listParams(r *http.Request, resource string, filters ...string) (limit int, after int64, err error) {
	q := r.URL.Query()
	for k := range q {
		if k != "limit" && k != "cursor" && !containsString(filters, k) {
			return 0, 0, apiErr(400, "parametre-inconnu", "Unknown parameter", "Unknown query parameter "+strconv.Quote(k)+".")
		}
	}
	limit = 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, apiErr(400, "requete-invalide", "Invalid request", "limit must be an integer from 1 to 100.")
		}
		limit = n
	}
	if c := q.Get("cursor"); c != "" {
		cur, err := h.signer.Decode(r.Context(), c, resource, filterKey(q, filters))
		if err != nil {
			if errors.Is(err, api.ErrBadCursor) {
				return 0, 0, apiErr(400, "curseur-invalide", "Invalid cursor", "The cursor is not valid for this list and these filters; start again without a cursor.")
			}
			return 0, 0, err
		}
		after = cur.AfterID
	}
	return limit, after, nil
}

// filterKey is a canonical form of the filters a cursor is bound to.
func filterKey(q url.Values, filters []string) string {
	sorted := append([]string(nil), filters...)
	sort.Strings(sorted)
	var b strings.Builder
	for _, f := range sorted {
		b.WriteString(f + "=" + q.Get(f) + "&")
	}
	return b.String()
}

// next returns the next cursor when there is more.
func (h *apiHandlers) next(ctx context.Context, r *http.Request, resource string, more bool, lastID int64, filters ...string) (*string, error) {
	if !more {
		return nil, nil
	}
	c, err := h.signer.Encode(ctx, api.Cursor{Resource: resource, Filters: filterKey(r.URL.Query(), filters), AfterID: lastID})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (h *apiHandlers) initiatives(w http.ResponseWriter, r *http.Request) error {
	filters := []string{"body", "theme", "status"}
	limit, after, err := h.listParams(r, "initiatives", filters...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if !api.ValidStatus[q.Get("status")] {
		return apiErr(400, "requete-invalide", "Invalid request", "status must be one of upcoming, open, closed, results.")
	}
	list, more, err := h.store.Initiatives(r.Context(), api.InitiativeFilter{Body: q.Get("body"), Theme: q.Get("theme"), Status: q.Get("status"), AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	var last int64
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	next, err := h.next(r.Context(), r, "initiatives", more, last, filters...)
	if err != nil {
		return err
	}
	return writeList(w, list, next)
}

func (h *apiHandlers) initiative(w http.ResponseWriter, r *http.Request) error {
	it, _, err := h.store.Initiative(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, it)
}

func (h *apiHandlers) bodies(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := h.listParams(r, "bodies")
	if err != nil {
		return err
	}
	list, more, err := h.store.Bodies(r.Context(), after, limit)
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(r.Context(), r, "bodies", true, list[len(list)-1].ID); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

func (h *apiHandlers) themes(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := h.listParams(r, "themes")
	if err != nil {
		return err
	}
	list, more, err := h.store.Themes(r.Context(), after, limit)
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(r.Context(), r, "themes", true, list[len(list)-1].ID); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

// initiativeParam resolves the required ?initiative= slug to a public initiative.
func (h *apiHandlers) initiativeParam(r *http.Request) (int64, string, error) {
	slug := r.URL.Query().Get("initiative")
	if slug == "" {
		return 0, "", apiErr(400, "requete-invalide", "Invalid request", "The initiative parameter (slug) is required.")
	}
	id, err := h.store.PublicInitiativeID(r.Context(), slug)
	if err != nil {
		return 0, "", err
	}
	return id, slug, nil
}

func (h *apiHandlers) contributions(w http.ResponseWriter, r *http.Request) error {
	filters := []string{"initiative", "kind"}
	limit, after, err := h.listParams(r, "contributions", filters...)
	if err != nil {
		return err
	}
	kind := r.URL.Query().Get("kind")
	if kind != "" && kind != "proposal" && kind != "argument" && kind != "comment" {
		return apiErr(400, "requete-invalide", "Invalid request", "kind must be one of proposal, argument, comment.")
	}
	id, slug, err := h.initiativeParam(r)
	if err != nil {
		return err
	}
	list, more, err := h.store.Contributions(r.Context(), id, slug, kind, after, limit)
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(r.Context(), r, "contributions", true, list[len(list)-1].ID, filters...); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

func (h *apiHandlers) answersList(w http.ResponseWriter, r *http.Request) error {
	filters := []string{"initiative"}
	limit, after, err := h.listParams(r, "answers", filters...)
	if err != nil {
		return err
	}
	id, slug, err := h.initiativeParam(r)
	if err != nil {
		return err
	}
	list, more, err := h.store.Answers(r.Context(), id, slug, after, limit)
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(r.Context(), r, "answers", true, list[len(list)-1].ContributionID, filters...); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

func figuresJSON(f results.Figures) *api.Figures {
	out := &api.Figures{Participants: f.Participants, Contributions: f.Contributions, Votes: f.Votes, SurveyResponses: f.SurveyResponses,
		ByChannel: map[string]int64{}, ByTool: map[string]int64{}}
	for _, c := range f.ByChannel {
		out.ByChannel[c.Key] = c.N
	}
	for _, c := range f.ByTool {
		out.ByTool[c.Key] = c.N
	}
	return out
}

func (h *apiHandlers) initiativeResults(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	it, _, err := h.store.Initiative(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	res, err := h.results.Get(ctx, it.ID)
	if err != nil {
		return err
	}
	fig, err := h.results.KeyFigures(ctx, it.ID)
	if err != nil {
		return err
	}
	out := api.Results{Initiative: it.Slug, Title: it.Title, Body: it.Body, Summary: api.Text{FR: res.SummaryFR, EN: res.SummaryEN},
		PublishedAt: res.PublishedAt.UTC().Format(time.RFC3339), Figures: figuresJSON(fig), Themes: []api.ResultTheme{}, FollowUps: []api.FollowUp{},
		URL: "/initiatives/" + it.Slug + "/resultats"}
	for _, t := range res.Themes {
		rt := api.ResultTheme{Title: api.Text{FR: t.TitleFR, EN: t.TitleEN}, Synthesis: api.Text{FR: t.SynthesisFR, EN: t.SynthesisEN}, Contributions: []int64{}}
		for _, i := range t.Items {
			rt.Contributions = append(rt.Contributions, i.ID)
		}
		out.Themes = append(out.Themes, rt)
	}
	now := h.s.Clock.Now()
	for _, f := range res.FollowUps {
		out.FollowUps = append(out.FollowUps, api.FollowUpJSON(f, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// resultsList pages published results by initiative id (the cursor), newest ids last.
func (h *apiHandlers) resultsList(w http.ResponseWriter, r *http.Request) error {
	filters := []string{"body", "theme"}
	limit, after, err := h.listParams(r, "results", filters...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, more, err := h.store.ResultsPage(r.Context(), api.InitiativeFilter{Body: q.Get("body"), Theme: q.Get("theme"), AfterID: after, Limit: limit})
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(r.Context(), r, "results", true, list[len(list)-1].CursorID(), filters...); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

func (h *apiHandlers) followUps(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	filters := []string{"initiative", "body", "status"}
	limit, after, err := h.listParams(r, "follow-ups", filters...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := results.FollowUpFilter{AfterID: after, Limit: limit}
	if st := q.Get("status"); st != "" {
		if !containsString(results.Statuses, st) {
			return apiErr(400, "requete-invalide", "Invalid request", "status must be one of planned, in_progress, done, dropped.")
		}
		f.Statuses = []string{st}
	}
	if slug := q.Get("initiative"); slug != "" {
		if f.InitiativeID, err = h.store.PublicInitiativeID(ctx, slug); err != nil {
			return err
		}
	}
	if slug := q.Get("body"); slug != "" {
		if f.BodyID, err = h.store.BodyID(ctx, slug); err != nil {
			return err
		}
	}
	// Keyset on id: -1 (no cursor) still selects every id and orders by id.
	f.AfterID = after
	if f.AfterID == 0 {
		f.AfterID = -1
	}
	list, more, err := h.store.FollowUps(ctx, f)
	if err != nil {
		return err
	}
	var next *string
	if more {
		if next, err = h.next(ctx, r, "follow-ups", true, list[len(list)-1].ID, filters...); err != nil {
			return err
		}
	}
	return writeList(w, list, next)
}

func (h *apiHandlers) followUp(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return participe.Errorf(participe.ENOTFOUND, "follow-up not found")
	}
	f, err := h.results.FollowUp(r.Context(), nil, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.FollowUpJSON(*f, h.s.Clock.Now()))
}

func (h *apiHandlers) openAPI(w http.ResponseWriter, r *http.Request) error {
	h2 := w.Header()
	h2.Set("Content-Type", "application/json; charset=utf-8")
	h2.Set("Cache-Control", "public, max-age=300")
	h2.Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(h.openapi)
	return err
}

// --- Write API (staff systems) ---

// authenticate checks the bearer token, its scope and the rate limit; every attempt with
// a known token is audited by the caller's write or here when refused.
func (h *apiHandlers) authenticate(r *http.Request, scope string) (*api.Token, error) {
	ctx := r.Context()
	ip := h.s.ClientIP(r)
	auth := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		if err := h.s.Limiter.Check(ctx, "api:auth:"+ip, 60, time.Minute); err != nil {
			return nil, err
		}
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "missing token")
	}
	tok, err := h.tokens.Authenticate(ctx, strings.TrimSpace(secret))
	if err != nil {
		// Failed attempts are limited per address (guessing tokens is pointless, but cheap
		// to refuse).
		if lerr := h.s.Limiter.Check(ctx, "api:auth:"+ip, 60, time.Minute); lerr != nil {
			return nil, lerr
		}
		return nil, err
	}
	if err := h.s.Limiter.Check(ctx, "api:token:"+strconv.FormatInt(tok.ID, 10), 600, time.Minute); err != nil {
		_ = h.tokens.Used(ctx, tok, ip, "api.rate_limited", r.Method+" "+r.URL.Path)
		return nil, err
	}
	if !tok.Has(scope) {
		_ = h.tokens.Used(ctx, tok, ip, "api.refused", "missing scope "+scope+" for "+r.Method+" "+r.URL.Path)
		return nil, apiErr(403, "portee-insuffisante", "Insufficient scope", "This token does not have the scope "+scope+".")
	}
	return tok, nil
}

func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		return apiErr(415, "type-non-supporte", "Unsupported media type", "Send the body as application/json.")
	}
	return nil
}

func (h *apiHandlers) postUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tok, err := h.authenticate(r, api.ScopeFollowUpsWrite)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return participe.Errorf(participe.ENOTFOUND, "follow-up not found")
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	var in api.UpdateInput
	if err := api.DecodeStrict(r.Body, &in); err != nil {
		return apiErr(400, "json-invalide", "Invalid JSON body", err.Error())
	}
	if in.Progress == nil {
		return apiErr(400, "requete-invalide", "Invalid request", "progress is required (0 to 100).")
	}
	ip := h.s.ClientIP(r)
	uid, err := h.results.AddUpdate(ctx, results.Who{TokenID: tok.ID, TokenBodyID: tok.BodyID, IP: ip}, id, results.UpdateInput{
		Status: in.Status, Progress: *in.Progress, TextFR: in.TextFR, TextEN: in.TextEN, DroppedReasonFR: in.DroppedReasonFR, DroppedReasonEN: in.DroppedReasonEN})
	if err != nil {
		if participe.IsCode(err, participe.EFORBIDDEN) {
			_ = h.tokens.Used(ctx, tok, ip, "api.refused", "follow-up "+strconv.FormatInt(id, 10)+" of another body")
		}
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": uid, "status": "created"})
}

func (h *apiHandlers) postAnswer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tok, err := h.authenticate(r, api.ScopeAnswersWrite)
	if err != nil {
		return err
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	var in api.AnswerInput
	if err := api.DecodeStrict(r.Body, &in); err != nil {
		return apiErr(400, "json-invalide", "Invalid JSON body", err.Error())
	}
	if in.ContributionID <= 0 || in.State == "" {
		return apiErr(400, "requete-invalide", "Invalid request", "contribution_id and state are required.")
	}
	ip := h.s.ClientIP(r)
	// The answer is written as the token's creator, limited to the analyst role in the
	// token's body: the proposals service then refuses any other body's proposal.
	var creator int64
	if err := h.s.DB.QueryRow(ctx, `SELECT COALESCE(created_by, 0) FROM api_tokens WHERE id = ?`, tok.ID).Scan(&creator); err != nil || creator == 0 {
		return apiErr(403, "jeton-orphelin", "Token without owner", "The person who created this token no longer exists; create a new token.")
	}
	actor := &participe.Actor{PersonID: creator, Roles: []participe.Role{{BodyID: tok.BodyID, Role: participe.RoleAnalyst}}}
	publish := in.Publish == nil || *in.Publish
	if err := h.answers.SaveAnswer(ctx, actor, in.ContributionID, in.State, in.Text, publish, ip); err != nil {
		if participe.IsCode(err, participe.EFORBIDDEN) || participe.IsCode(err, participe.ENOTFOUND) {
			_ = h.tokens.Used(ctx, tok, ip, "api.refused", "answer to contribution "+strconv.FormatInt(in.ContributionID, 10))
		}
		return err
	}
	_ = h.tokens.Used(ctx, tok, ip, "api.answer", "contribution="+strconv.FormatInt(in.ContributionID, 10)+" state="+in.State)
	status := "draft"
	if publish {
		status = "published"
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": in.ContributionID, "status": status})
}
