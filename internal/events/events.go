// Package events carries live events (a new vote or comment) to the pages open on every
// app server: in process on SQLite; through PostgreSQL LISTEN/NOTIFY when scaled out
// (see postgres.go). Events are hints for live pages and caches, never the only copy of
// anything: a page reloaded shows the truth from the database.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// MaxPayload bounds the data of one event. PostgreSQL refuses NOTIFY payloads of 8,000
// bytes or more; events carry a few counts, so 4 KB leaves room for the topic.
const MaxPayload = 4000

// ErrTooLarge is returned by Publish for data over MaxPayload.
var ErrTooLarge = errors.New("events: payload too large")

// Bus publishes and subscribes to topics ("initiative:42", "proposal:7",
// "invalidate:themes").
type Bus struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
	// remote, when set, also sends each event to the other servers (PostgreSQL NOTIFY);
	// events arriving from them are delivered with Deliver.
	remote func(ctx context.Context, topic string, data []byte) error
	// onSubscribe, when set, runs (outside the lock) before each subscription returns:
	// the PostgreSQL bridge starts listening on the first one.
	onSubscribe func()
}

// New returns an in-process bus.
func New() *Bus { return &Bus{subs: map[string]map[chan []byte]struct{}{}} }

// SetRemote makes Publish also forward events to other servers.
func (b *Bus) SetRemote(fn func(ctx context.Context, topic string, data []byte) error) {
	b.mu.Lock()
	b.remote = fn
	b.mu.Unlock()
}

// SetOnSubscribe registers fn to run at each Subscribe (before it returns).
func (b *Bus) SetOnSubscribe(fn func()) {
	b.mu.Lock()
	b.onSubscribe = fn
	b.mu.Unlock()
}

// Publish sends data to the topic's subscribers here and, when scaled out, elsewhere.
func (b *Bus) Publish(ctx context.Context, topic string, data []byte) error {
	if err := checkEvent(topic, data); err != nil {
		return err
	}
	b.mu.Lock()
	remote := b.remote
	b.mu.Unlock()
	if remote != nil {
		// Remote delivery comes back to us through the listener too: deliver once, there.
		return remote(ctx, topic, data)
	}
	b.Deliver(topic, data)
	return nil
}

// PublishFields publishes a JSON object of fields, the shape live pages understand:
// {"votes": 12, "comments": 3} on "proposal:7" updates every element with
// data-live-topic="proposal:7" data-live-field="votes" (and "comments").
func (b *Bus) PublishFields(ctx context.Context, topic string, fields map[string]any) error {
	raw, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("events: encode %s: %w", topic, err)
	}
	return b.Publish(ctx, topic, raw)
}

// Invalidate tells every server that cached data named what changed ("themes",
// "bodies", "home"): caches subscribe to InvalidateTopic(what) and drop their copy.
func (b *Bus) Invalidate(ctx context.Context, what string) error {
	return b.Publish(ctx, InvalidateTopic(what), []byte("{}"))
}

// InvalidateTopic is the topic on which invalidations of what travel.
func InvalidateTopic(what string) string { return "invalidate:" + what }

// OnInvalidate runs fn each time what is invalidated, on any server, until stop is
// called. fn runs on its own goroutine, one call at a time.
func (b *Bus) OnInvalidate(what string, fn func()) (stop func()) {
	ch, unsub := b.Subscribe(InvalidateTopic(what))
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-ch:
				fn()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { unsub(); close(done) }) }
}

func checkEvent(topic string, data []byte) error {
	if topic == "" || len(topic) > 200 || strings.ContainsAny(topic, "\n\x00") {
		return fmt.Errorf("events: invalid topic %q", topic)
	}
	if len(data) > MaxPayload {
		return fmt.Errorf("%w: %d bytes on %s (max %d)", ErrTooLarge, len(data), topic, MaxPayload)
	}
	return nil
}

// Deliver hands an event to this server's subscribers; slow subscribers miss events
// rather than block the publisher.
func (b *Bus) Deliver(topic string, data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[topic] {
		select {
		case ch <- data:
		default:
		}
	}
}

// Subscribers tells how many subscriptions this server holds (for /metrics and tests).
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, m := range b.subs {
		n += len(m)
	}
	return n
}

// Subscribe returns a channel of the topic's events and a function to stop.
func (b *Bus) Subscribe(topic string) (<-chan []byte, func()) {
	ch := make(chan []byte, 16)
	b.mu.Lock()
	if b.subs[topic] == nil {
		b.subs[topic] = map[chan []byte]struct{}{}
	}
	b.subs[topic][ch] = struct{}{}
	hook := b.onSubscribe
	b.mu.Unlock()
	if hook != nil {
		hook()
	}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[topic], ch)
			if len(b.subs[topic]) == 0 {
				delete(b.subs, topic)
			}
			b.mu.Unlock()
		})
	}
}
