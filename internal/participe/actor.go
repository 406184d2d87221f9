package participe

// Staff roles, each scoped to one public body (SPEC §1). Platform admin is global and is
// a flag on the person, not a role row.
const (
	RoleBodyAdmin = "body_admin"
	RoleManager   = "manager"
	RoleModerator = "moderator"
	RoleAnalyst   = "analyst"
)

// AllRoles lists the body-scoped roles in display order.
var AllRoles = []string{RoleBodyAdmin, RoleManager, RoleModerator, RoleAnalyst}

// Role is one role held in one body.
type Role struct {
	BodyID int64
	Role   string
}

// Actor is the person acting, passed to every data access a staff member can reach so
// that scope checks are visible in signatures. A nil *Actor is an anonymous visitor.
type Actor struct {
	PersonID      int64
	Pseudonym     string
	Locale        string
	PlatformAdmin bool
	// SecondFactor is true when the session passed a second factor (required for staff).
	SecondFactor bool
	Roles        []Role
}

// Has reports whether the actor holds role in bodyID. Platform admins hold every role.
// A body admin also holds every other role of their body.
func (a *Actor) Has(role string, bodyID int64) bool {
	if a == nil {
		return false
	}
	if a.PlatformAdmin {
		return true
	}
	for _, r := range a.Roles {
		if r.BodyID == bodyID && (r.Role == role || r.Role == RoleBodyAdmin) {
			return true
		}
	}
	return false
}

// HasAny reports whether the actor holds any of the roles in bodyID.
func (a *Actor) HasAny(bodyID int64, roles ...string) bool {
	for _, r := range roles {
		if a.Has(r, bodyID) {
			return true
		}
	}
	return false
}

// IsStaff reports whether the actor holds any staff role anywhere.
func (a *Actor) IsStaff() bool {
	return a != nil && (a.PlatformAdmin || len(a.Roles) > 0)
}

// BodyIDs returns the bodies in which the actor holds any role.
func (a *Actor) BodyIDs() []int64 {
	if a == nil {
		return nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range a.Roles {
		if !seen[r.BodyID] {
			seen[r.BodyID] = true
			ids = append(ids, r.BodyID)
		}
	}
	return ids
}

// IsAnonymous reports whether nobody is signed in.
func (a *Actor) IsAnonymous() bool { return a == nil || a.PersonID == 0 }
