package web

import (
	"net/http"
	"net/url"

	"participe/internal/results"
)

// satisfactionMoved answers the results area's former questionnaire address,
// /initiatives/{slug}/satisfaction, with a permanent redirect to the one satisfaction
// questionnaire page: the survey tool's (results.SatisfactionPath), which takes the
// answers and shows the public results. Links in emails already sent keep working.
// A form posted to the old address is sent to the new page to be answered there.
func (h *resultsHandlers) satisfactionMoved(w http.ResponseWriter, r *http.Request) error {
	to := LocalPath(LangFrom(r.Context()), results.SatisfactionPath(url.PathEscape(r.PathValue("slug"))))
	status := http.StatusMovedPermanently
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status = http.StatusSeeOther
	}
	http.Redirect(w, r, to, status)
	return nil
}
