package web

// ToolInfo describes a participation tool an initiative can use. Each tool's area
// registers it from its routes function, so the back office lists every tool without
// knowing them (SPEC §3: the basket of tools is open).
type ToolInfo struct {
	// Code is stored in initiative_tools.tool ("proposals", "survey", …).
	Code string
	// NameKey and DescriptionKey are i18n keys.
	NameKey        string
	DescriptionKey string
	// AdminPath is the back-office page of the tool for an initiative, with {id} for the
	// initiative's id ("/admin/initiatives/{id}/proposals"); empty when none.
	AdminPath string
	// PublicPath is the public page of the tool, with {slug} for the initiative's slug.
	PublicPath string
}

// RegisterTool adds a tool to the registry.
func (s *Server) RegisterTool(t ToolInfo) { s.tools = append(s.tools, t) }

// Tools lists the registered tools.
func (s *Server) Tools() []ToolInfo { return s.tools }

// Tool finds a registered tool by code.
func (s *Server) Tool(code string) (ToolInfo, bool) {
	for _, t := range s.tools {
		if t.Code == code {
			return t, true
		}
	}
	return ToolInfo{}, false
}
