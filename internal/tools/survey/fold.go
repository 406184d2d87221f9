package survey

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Slugless removes accents (NFD, drop combining marks) and keeps everything else.
func Slugless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r >= 0x300 && r <= 0x36f {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
