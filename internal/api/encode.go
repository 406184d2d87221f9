package api

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// Hand-written JSON encoders of the list shapes. encoding/json walks every value by
// reflection; for a page of 20–100 items the API's list endpoints spent more time there
// than in their query. These produce exactly the bytes json.Marshal would (a test
// compares them on tricky values), appended to a pooled buffer.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does (HTML-safe:
// <, > and & escaped; invalid UTF-8 replaced by U+FFFD; U+2028/U+2029 escaped).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendInt64Ptr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return appendInt(b, *n)
}

// field appends `"name":`, after "{" when it opens the object, else after a comma.
func field(b []byte, name string, first bool) []byte {
	if first {
		b = append(b, '{')
	} else {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// appendArray appends list as a JSON array, each element by enc; a nil list is null
// (as encoding/json writes it).
func appendArray[T any](b []byte, list []T, enc func([]byte, T) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = enc(b, v)
	}
	return append(b, ']')
}

// AppendJSON appends t as JSON.
func (t Text) AppendJSON(b []byte) []byte {
	b = append(b, `{"fr":`...)
	b = appendString(b, t.FR)
	b = append(b, `,"en":`...)
	b = appendString(b, t.EN)
	return append(b, '}')
}

// AppendJSON appends r as JSON.
func (r BodyRef) AppendJSON(b []byte) []byte {
	b = append(b, `{"slug":`...)
	b = appendString(b, r.Slug)
	b = append(b, `,"name":`...)
	b = r.Name.AppendJSON(b)
	return append(b, '}')
}

// AppendJSON appends it as JSON.
func (it *Initiative) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, it.ID)
	b = field(b, "slug", false)
	b = appendString(b, it.Slug)
	b = field(b, "title", false)
	b = it.Title.AppendJSON(b)
	b = field(b, "summary", false)
	b = it.Summary.AppendJSON(b)
	b = field(b, "body", false)
	b = it.Body.AppendJSON(b)
	b = field(b, "kind", false)
	b = appendString(b, it.Kind)
	b = field(b, "status", false)
	b = appendString(b, it.Status)
	b = field(b, "starts_at", false)
	b = appendString(b, it.StartsAt)
	b = field(b, "ends_at", false)
	b = appendString(b, it.EndsAt)
	b = field(b, "themes", false)
	b = appendArray(b, it.Themes, appendString)
	b = field(b, "participants", false)
	b = appendInt(b, it.Participants)
	b = field(b, "results_published_at", false)
	b = appendStringPtr(b, it.ResultsPublishedAt)
	b = field(b, "url", false)
	b = appendString(b, it.URL)
	return append(b, '}')
}

// AppendJSON appends bd as JSON.
func (bd *Body) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, bd.ID)
	b = field(b, "slug", false)
	b = appendString(b, bd.Slug)
	b = field(b, "acronym", false)
	b = appendString(b, bd.Acronym)
	b = field(b, "name", false)
	b = bd.Name.AppendJSON(b)
	b = field(b, "kind", false)
	b = appendString(b, bd.Kind)
	b = field(b, "website", false)
	b = appendString(b, bd.Website)
	b = field(b, "url", false)
	b = appendString(b, bd.URL)
	return append(b, '}')
}

// AppendJSON appends t as JSON.
func (t *Theme) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, t.ID)
	b = field(b, "slug", false)
	b = appendString(b, t.Slug)
	b = field(b, "name", false)
	b = t.Name.AppendJSON(b)
	return append(b, '}')
}

// AppendJSON appends c as JSON.
func (c *Contribution) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, c.ID)
	b = field(b, "initiative", false)
	b = appendString(b, c.Initiative)
	b = field(b, "tool", false)
	b = appendString(b, c.Tool)
	b = field(b, "kind", false)
	b = appendString(b, c.Kind)
	b = field(b, "parent_id", false)
	b = appendInt64Ptr(b, c.ParentID)
	b = field(b, "channel", false)
	b = appendString(b, c.Channel)
	b = field(b, "author_kind", false)
	b = appendString(b, c.AuthorKind)
	b = field(b, "status", false)
	b = appendString(b, c.Status)
	b = field(b, "created_at", false)
	b = appendString(b, c.CreatedAt)
	b = field(b, "title", false)
	b = appendString(b, c.Title)
	b = field(b, "text", false)
	b = appendString(b, c.Text)
	b = field(b, "side", false)
	b = appendString(b, c.Side)
	b = field(b, "votes_for", false)
	b = appendInt(b, c.VotesFor)
	b = field(b, "votes_against", false)
	b = appendInt(b, c.VotesAgainst)
	b = field(b, "answer_state", false)
	b = appendString(b, c.AnswerState)
	return append(b, '}')
}

// AppendJSON appends a as JSON.
func (a *Answer) AppendJSON(b []byte) []byte {
	b = field(b, "contribution_id", true)
	b = appendInt(b, a.ContributionID)
	b = field(b, "initiative", false)
	b = appendString(b, a.Initiative)
	b = field(b, "state", false)
	b = appendString(b, a.State)
	b = field(b, "text", false)
	b = appendString(b, a.Text)
	b = field(b, "published_at", false)
	b = appendString(b, a.PublishedAt)
	return append(b, '}')
}

// AppendJSON appends u as JSON.
func (u *Update) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, u.ID)
	b = field(b, "at", false)
	b = appendString(b, u.At)
	b = field(b, "status", false)
	b = appendString(b, u.Status)
	b = field(b, "progress", false)
	b = appendInt(b, int64(u.Progress))
	b = field(b, "text", false)
	b = u.Text.AppendJSON(b)
	return append(b, '}')
}

// AppendJSON appends f as JSON.
func (f *FollowUp) AppendJSON(b []byte) []byte {
	b = field(b, "id", true)
	b = appendInt(b, f.ID)
	b = field(b, "initiative", false)
	b = appendString(b, f.Initiative)
	b = field(b, "title", false)
	b = f.Title.AppendJSON(b)
	b = field(b, "description", false)
	b = f.Description.AppendJSON(b)
	b = field(b, "responsible_body", false)
	b = f.ResponsibleBody.AppendJSON(b)
	b = field(b, "status", false)
	b = appendString(b, f.Status)
	b = field(b, "progress", false)
	b = appendInt(b, int64(f.Progress))
	b = field(b, "due_date", false)
	b = appendStringPtr(b, f.DueDate)
	b = field(b, "done_date", false)
	b = appendStringPtr(b, f.DoneDate)
	b = field(b, "dropped_reason", false)
	b = f.DroppedReason.AppendJSON(b)
	b = field(b, "late", false)
	b = appendBool(b, f.Late)
	b = field(b, "proposals", false)
	b = appendArray(b, f.Proposals, appendInt)
	b = field(b, "updates", false)
	b = appendArray(b, f.Updates, func(b []byte, u Update) []byte { return u.AppendJSON(b) })
	b = field(b, "url", false)
	b = appendString(b, f.URL)
	return append(b, '}')
}

// AppendJSON appends r as JSON. Only the list form is hand-encoded: results with
// figures, themes or follow-ups (one initiative's results) go through encoding/json.
func (r *Results) AppendJSON(b []byte) []byte {
	b = field(b, "initiative", true)
	b = appendString(b, r.Initiative)
	b = field(b, "title", false)
	b = r.Title.AppendJSON(b)
	b = field(b, "body", false)
	b = r.Body.AppendJSON(b)
	b = field(b, "summary", false)
	b = r.Summary.AppendJSON(b)
	b = field(b, "published_at", false)
	b = appendString(b, r.PublishedAt)
	b = field(b, "url", false)
	b = appendString(b, r.URL)
	return append(b, '}')
}

// appender is a value with a hand-written JSON encoder.
type appender interface {
	AppendJSON(b []byte) []byte
}

// AppendList appends a page of a list as JSON: {"data":[…],"next_cursor":…}. An empty
// page is [] (never null).
func AppendList[T any, P interface {
	*T
	appender
}](b []byte, data []T, next *string) []byte {
	b = append(b, `{"data":[`...)
	for i := range data {
		if i > 0 {
			b = append(b, ',')
		}
		b = P(&data[i]).AppendJSON(b)
	}
	b = append(b, `],"next_cursor":`...)
	b = appendStringPtr(b, next)
	return append(b, '}')
}

// bufPool recycles the response buffers of the API.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// GetBuffer returns an empty pooled buffer; give it back with PutBuffer.
func GetBuffer() *[]byte {
	b := bufPool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// PutBuffer returns a buffer to the pool (very large ones are dropped, so one huge
// response does not pin its memory).
func PutBuffer(b *[]byte) {
	if cap(*b) > 1<<20 {
		return
	}
	bufPool.Put(b)
}
