package survey

import (
	"testing"
	"time"
)

// The satisfaction questionnaire opens when its initiative closes: the date shown to
// participants must be the end of its window, not the initiative's end.
func TestAcceptsUntil(t *testing.T) {
	end := time.Date(2026, 12, 13, 23, 59, 0, 0, time.UTC)
	main := &Survey{Purpose: PurposeMain, EndsAt: end}
	if got := main.AcceptsUntil(); !got.Equal(end) {
		t.Errorf("main survey: %v, want %v", got, end)
	}
	sat := &Survey{Purpose: PurposeSatisfaction, EndsAt: end}
	if got, want := sat.AcceptsUntil(), end.Add(SatisfactionWindow); !got.Equal(want) {
		t.Errorf("satisfaction: %v, want %v", got, want)
	}
	if got := (&Survey{Purpose: PurposeSatisfaction}).AcceptsUntil(); !got.IsZero() {
		t.Errorf("no end: %v, want zero", got)
	}
}
