package web

import (
	"net/http"

	"participe/internal/participe"
	"participe/internal/tools/survey"
)

// surveyHandlers serves the survey tool: answering, paper entry, builder and results.
type surveyHandlers struct {
	s   *Server
	svc *survey.Service
}

// routesSurvey registers this area's routes (owned by the survey area).
func (s *Server) routesSurvey(mux *http.ServeMux) {
	s.RegisterTool(ToolInfo{Code: "survey", NameKey: "survey.tool.name", DescriptionKey: "survey.tool.description",
		AdminPath: "/admin/initiatives/{id}/questionnaire", PublicPath: "/initiatives/{slug}/questionnaire"})
	h := &surveyHandlers{s: s, svc: survey.New(s.DB, s.Clock, s.Jobs)}

	// Public pages, for the main survey under /questionnaire and for other purposes
	// (survey.PublicPurpose: "satisfaction") under /questionnaires/{purpose}.
	for _, p := range []string{"/initiatives/{slug}/questionnaire", "/initiatives/{slug}/questionnaires/{purpose}"} {
		// Answering on the web.
		s.page(mux, "GET "+p, h.start)
		s.page(mux, "POST "+p, h.begin)
		s.page(mux, "GET "+p+"/repondre", h.onePage)
		s.page(mux, "GET "+p+"/lien/{token}", h.link)
		s.page(mux, "GET "+p+"/reprendre/{token}", h.resume)
		s.page(mux, "GET "+p+"/section/{n}", h.section)
		s.page(mux, "POST "+p+"/section/{n}", h.saveSection)
		s.page(mux, "GET "+p+"/verifier", h.review)
		s.page(mux, "POST "+p+"/envoyer", h.submit)
		s.page(mux, "GET "+p+"/confirmation/{ref}", h.confirmation)
		// Paper and phone.
		s.page(mux, "GET "+p+"/imprimer", h.print)
		s.page(mux, "GET "+p+"/formulaire.pdf", h.pdf)
		// Public results and open data.
		s.page(mux, "GET "+p+"/resultats", h.publicResults)
		s.page(mux, "GET "+p+"/resultats/{q}", h.publicTexts)
		s.page(mux, "GET "+p+"/reponses.csv", h.publicExport("csv"))
		s.page(mux, "GET "+p+"/reponses.json", h.publicExport("json"))
	}

	// Back office.
	a := "/admin/initiatives/{id}/questionnaire"
	s.page(mux, "GET "+a, h.builder)
	s.page(mux, "POST "+a+"/creer", h.create)
	s.page(mux, "POST "+a+"/parametres", h.settings)
	s.page(mux, "POST "+a+"/sections", h.addSection)
	s.page(mux, "GET "+a+"/sections/{key}", h.editSection)
	s.page(mux, "POST "+a+"/sections/{key}", h.saveSectionDef)
	s.page(mux, "POST "+a+"/structure", h.structure)
	s.page(mux, "GET "+a+"/questions/nouvelle", h.newQuestion)
	s.page(mux, "POST "+a+"/questions/nouvelle", h.saveQuestion)
	s.page(mux, "GET "+a+"/questions/{key}", h.editQuestion)
	s.page(mux, "POST "+a+"/questions/{key}", h.saveQuestion)
	s.page(mux, "GET "+a+"/apercu", h.preview)
	s.page(mux, "POST "+a+"/copier", h.copy)
	s.page(mux, "POST "+a+"/liens", h.links)
	s.page(mux, "GET "+a+"/saisie", h.entry)
	s.page(mux, "POST "+a+"/saisie", h.saveEntry)
	s.page(mux, "GET "+a+"/saisie/{rid}/verifier", h.verify)
	s.page(mux, "POST "+a+"/saisie/{rid}/verifier", h.saveVerify)
	s.page(mux, "POST "+a+"/saisie/{rid}/resoudre", h.resolve)
	s.page(mux, "GET "+a+"/resultats", h.adminResults)
	s.page(mux, "GET "+a+"/resultats/{q}", h.adminTexts)
	s.page(mux, "GET "+a+"/reponses.csv", h.adminExport("csv"))
	s.page(mux, "GET "+a+"/reponses.json", h.adminExport("json"))
}

// Roles of each back-office page.
var (
	surveyBuildRoles   = []string{participe.RoleManager}
	surveyEntryRoles   = []string{participe.RoleManager, participe.RoleModerator}
	surveyResultsRoles = []string{participe.RoleManager, participe.RoleAnalyst}
)
