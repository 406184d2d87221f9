package results

import (
	"encoding/json"
	"time"

	"participe/internal/i18n"
)

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func formatWhen(lang string, t time.Time) string {
	return i18n.FormatDateLong(lang, t) + " " + i18n.FormatTime(lang, t)
}
