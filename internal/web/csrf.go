package web

import "participe/internal/participe"

// errForbiddenCSRF answers a cross-site state-changing request.
var errForbiddenCSRF = &participe.Error{Code: participe.EFORBIDDEN, Message: "cross-origin request refused", Key: "error.forbidden.body"}
