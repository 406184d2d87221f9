package catalog

import (
	"context"
	"time"

	"participe/internal/catalog/filter"
)

// MaxCalendarItems bounds a month of the calendar, an .ics export and a feed.
const MaxCalendarItems = 500

// Month returns the public initiatives matching f that run at some time during the
// month starting at first (a civil date; read as Québec days), by start date.
// With grid set, the initiatives come without their themes (the month grid shows
// titles only).
func (s *Service) Month(ctx context.Context, f filter.Filter, first time.Time, grid bool) (*List, error) {
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	if f.From.IsZero() || f.From.Before(first) {
		f.From = first
	}
	if f.To.IsZero() || f.To.After(last) {
		f.To = last
	}
	if f.From.After(f.To) {
		return &List{Filter: f}, nil
	}
	f.Sort, f.Page = sortStarts, 1
	return s.list(ctx, f, MaxCalendarItems, listOpts{noThemes: grid})
}

// Export returns up to MaxCalendarItems initiatives matching f (every page), for
// iCalendar; with descriptions.
func (s *Service) Export(ctx context.Context, f filter.Filter) (*List, error) {
	f.Page = 1
	if f.Q == "" {
		f.Sort = sortStarts
	}
	return s.list(ctx, f, MaxCalendarItems, listOpts{descriptions: true})
}

// Newest returns the most recently published initiatives matching f, for feeds.
func (s *Service) Newest(ctx context.Context, f filter.Filter, limit int) (*List, error) {
	f.Q, f.Sort, f.Page = "", filter.SortNewest, 1
	return s.list(ctx, f, limit, listOpts{})
}
