package api

// The OpenAPI 3.0 document of /api/v1, built in Go so that the schemas the handlers'
// tests validate against are the very ones served at /api/v1/openapi.json.

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }
func str() obj            { return obj{"type": "string"} }
func integer() obj        { return obj{"type": "integer", "format": "int64"} }
func boolean() obj        { return obj{"type": "boolean"} }
func nullable(o obj) obj  { o["nullable"] = true; return o }
func arr(items obj) obj   { return obj{"type": "array", "items": items} }
func dateTime() obj       { return obj{"type": "string", "format": "date-time"} }

func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func keys(m obj) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// allRequired makes every property required (our responses always carry every field).
func allRequired(props obj) obj { return object(props, keys(props)...) }

func listOf(name string) obj {
	return allRequired(obj{"data": arr(ref(name)), "next_cursor": nullable(str())})
}

func param(name, in, desc string, schema obj, required bool) obj {
	return obj{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
}

var (
	pLimit  = param("limit", "query", "Number of items per page (1 to 100, default 20).", obj{"type": "integer", "minimum": 1, "maximum": 100}, false)
	pCursor = param("cursor", "query", "Opaque cursor from the next_cursor of the previous page. A cursor is valid only for the same list and filters.", str(), false)
	pInit   = param("initiative", "query", "Slug of the initiative.", str(), true)
	pSlug   = param("slug", "path", "Slug of the initiative.", str(), true)
	pID     = param("id", "path", "Identifier.", integer(), true)
)

func jsonContent(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }

func ok(desc string, schema obj) obj {
	return obj{"description": desc, "content": jsonContent(schema)}
}

func problems(codes ...string) obj {
	out := obj{}
	for _, c := range codes {
		out[c] = obj{"$ref": "#/components/responses/Problem"}
	}
	return out
}

func get(summary, tag string, params []obj, resp obj, errs ...string) obj {
	r := problems(append([]string{"400", "429"}, errs...)...)
	r["200"] = resp
	return obj{"get": obj{"summary": summary, "tags": []string{tag}, "parameters": params, "responses": r}}
}

// Document returns the OpenAPI document.
func Document() map[string]any {
	text := allRequired(obj{"fr": str(), "en": str()})
	bodyRef := allRequired(obj{"slug": str(), "name": ref("Text")})
	statusEnum := obj{"type": "string", "enum": []string{"planned", "in_progress", "done", "dropped"}}
	schemas := obj{
		"Text":    text,
		"BodyRef": bodyRef,
		"Initiative": allRequired(obj{"id": integer(), "slug": str(), "title": ref("Text"), "summary": ref("Text"), "body": ref("BodyRef"),
			"kind": str(), "status": obj{"type": "string", "enum": []string{"upcoming", "open", "closed", "results"}},
			"starts_at": dateTime(), "ends_at": dateTime(), "themes": arr(str()), "participants": integer(),
			"results_published_at": nullable(dateTime()), "url": str()}),
		"Body":  allRequired(obj{"id": integer(), "slug": str(), "acronym": str(), "name": ref("Text"), "kind": str(), "website": str(), "url": str()}),
		"Theme": allRequired(obj{"id": integer(), "slug": str(), "name": ref("Text")}),
		"Contribution": allRequired(obj{"id": integer(), "initiative": str(), "tool": str(), "kind": str(), "parent_id": nullable(integer()),
			"channel":     obj{"type": "string", "enum": []string{"web", "paper", "phone", "in_person", "email"}},
			"author_kind": obj{"type": "string", "enum": []string{"participant", "organisation", "staff_entry", "official"}},
			"status":      str(), "created_at": dateTime(), "title": str(), "text": str(), "side": str(),
			"votes_for": integer(), "votes_against": integer(), "answer_state": str()}),
		"Answer": allRequired(obj{"contribution_id": integer(), "initiative": str(), "state": str(), "text": str(), "published_at": dateTime()}),
		"Update": allRequired(obj{"id": integer(), "at": dateTime(), "status": statusEnum, "progress": obj{"type": "integer", "minimum": 0, "maximum": 100}, "text": ref("Text")}),
		"FollowUp": allRequired(obj{"id": integer(), "initiative": str(), "title": ref("Text"), "description": ref("Text"),
			"responsible_body": ref("BodyRef"), "status": statusEnum, "progress": obj{"type": "integer", "minimum": 0, "maximum": 100},
			"due_date": nullable(obj{"type": "string", "format": "date"}), "done_date": nullable(obj{"type": "string", "format": "date"}),
			"dropped_reason": ref("Text"), "late": boolean(), "proposals": arr(integer()), "updates": arr(ref("Update")), "url": str()}),
		"ResultTheme": allRequired(obj{"title": ref("Text"), "synthesis": ref("Text"), "contributions": arr(integer())}),
		"Figures": allRequired(obj{"participants": integer(), "contributions": integer(), "votes": integer(), "survey_responses": integer(),
			"by_channel": obj{"type": "object", "additionalProperties": integer()}, "by_tool": obj{"type": "object", "additionalProperties": integer()}}),
		"Results": object(obj{"initiative": str(), "title": ref("Text"), "body": ref("BodyRef"), "summary": ref("Text"), "published_at": dateTime(),
			"figures": ref("Figures"), "themes": arr(ref("ResultTheme")), "follow_ups": arr(ref("FollowUp")), "url": str()},
			"initiative", "title", "body", "summary", "published_at", "url"),
		"InitiativeList":   listOf("Initiative"),
		"BodyList":         listOf("Body"),
		"ThemeList":        listOf("Theme"),
		"ContributionList": listOf("Contribution"),
		"AnswerList":       listOf("Answer"),
		"FollowUpList":     listOf("FollowUp"),
		"ResultsList":      listOf("Results"),
		"AnswerInput":      object(obj{"contribution_id": integer(), "state": str(), "text": str(), "publish": boolean()}, "contribution_id", "state"),
		"UpdateInput": object(obj{"status": statusEnum, "progress": obj{"type": "integer", "minimum": 0, "maximum": 100}, "text_fr": str(), "text_en": str(),
			"dropped_reason_fr": str(), "dropped_reason_en": str()}, "text_fr"),
		"Accepted": allRequired(obj{"id": integer(), "status": str()}),
		"Problem": object(obj{"type": str(), "title": str(), "status": integer(), "detail": str(), "instance": str(),
			"errors": arr(allRequired(obj{"field": str(), "detail": str()}))}, "type", "title", "status"),
	}
	paths := obj{
		"/api/v1/initiatives": get("List public initiatives", "initiatives", []obj{
			param("body", "query", "Slug of the organising public body.", str(), false),
			param("theme", "query", "Slug of a theme.", str(), false),
			param("status", "query", "Public status.", obj{"type": "string", "enum": []string{"upcoming", "open", "closed", "results"}}, false),
			pLimit, pCursor}, ok("A page of initiatives.", ref("InitiativeList"))),
		"/api/v1/initiatives/{slug}": get("One initiative", "initiatives", []obj{pSlug}, ok("The initiative.", ref("Initiative")), "404"),
		"/api/v1/initiatives/{slug}/results": get("Published results of an initiative, with key figures, themes and follow-ups", "results",
			[]obj{pSlug}, ok("The results.", ref("Results")), "404"),
		"/api/v1/bodies": get("List public bodies", "bodies", []obj{pLimit, pCursor}, ok("A page of bodies.", ref("BodyList"))),
		"/api/v1/themes": get("List themes", "themes", []obj{pLimit, pCursor}, ok("A page of themes.", ref("ThemeList"))),
		"/api/v1/contributions": get("List the anonymised contributions of an initiative", "contributions", []obj{pInit,
			param("kind", "query", "Kind of contribution.", obj{"type": "string", "enum": []string{"proposal", "argument", "comment"}}, false),
			pLimit, pCursor}, ok("A page of contributions.", ref("ContributionList")), "404"),
		"/api/v1/results": get("List published results", "results", []obj{
			param("body", "query", "Slug of a public body.", str(), false), param("theme", "query", "Slug of a theme.", str(), false),
			pLimit, pCursor}, ok("A page of results (summaries).", ref("ResultsList"))),
		"/api/v1/follow-ups": get("List follow-ups of published results", "follow-ups", []obj{
			param("initiative", "query", "Slug of the initiative.", str(), false),
			param("body", "query", "Slug of the responsible or organising body.", str(), false),
			param("status", "query", "Status of the follow-up.", statusEnum, false), pLimit, pCursor},
			ok("A page of follow-ups.", ref("FollowUpList")), "404"),
		"/api/v1/follow-ups/{id}": get("One follow-up with its dated updates", "follow-ups", []obj{pID}, ok("The follow-up.", ref("FollowUp")), "404"),
	}
	answers := get("List published official answers of an initiative", "answers", []obj{pInit, pLimit, pCursor},
		ok("A page of answers.", ref("AnswerList")), "404")
	answers["post"] = obj{"summary": "Draft or publish an official answer to a proposal (API token with scope answers:write)", "tags": []string{"answers"},
		"security":    []any{obj{"bearerToken": []string{}}},
		"requestBody": obj{"required": true, "content": jsonContent(ref("AnswerInput"))},
		"responses": func() obj {
			r := problems("400", "401", "403", "404", "409", "415", "429")
			r["200"] = ok("The answer was saved.", ref("Accepted"))
			return r
		}()}
	paths["/api/v1/answers"] = answers
	paths["/api/v1/follow-ups/{id}/updates"] = obj{"post": obj{"summary": "Add a dated update to a follow-up (API token with scope follow-ups:write)",
		"tags": []string{"follow-ups"}, "parameters": []obj{pID}, "security": []any{obj{"bearerToken": []string{}}},
		"requestBody": obj{"required": true, "content": jsonContent(ref("UpdateInput"))},
		"responses": func() obj {
			r := problems("400", "401", "403", "404", "415", "429")
			r["201"] = ok("The update was recorded.", ref("Accepted"))
			return r
		}()}}
	paths["/api/v1/openapi.json"] = obj{"get": obj{"summary": "This document", "tags": []string{"meta"},
		"responses": obj{"200": obj{"description": "The OpenAPI document.", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}}}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "Participe API", "version": "1.0.0",
			"description": "Open API of Participe, the participation platform of the gouvernement du Québec: initiatives, public bodies, themes, anonymised contributions, official answers, results and follow-ups. Read endpoints are public; write endpoints need a body-scoped API token. Errors are RFC 9457 problem details. Data licence: CC BY 4.0.",
			"license":     obj{"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"}},
		"servers": []any{obj{"url": "/"}},
		"paths":   paths,
		"components": obj{
			"schemas": schemas,
			"responses": obj{"Problem": obj{"description": "Problem details (RFC 9457).",
				"content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}},
			"securitySchemes": obj{"bearerToken": obj{"type": "http", "scheme": "bearer",
				"description": "API token of a staff system (ptk_…), created by a body admin in the back office; scoped to one public body."}},
		},
	}
}
