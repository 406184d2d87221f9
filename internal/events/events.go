// Package events carries live events (a new vote or comment) to the pages open on every
// app server: in process on SQLite; through PostgreSQL LISTEN/NOTIFY when scaled out.
package events

import (
	"context"
	"sync"
)

// Bus publishes and subscribes to topics ("initiative:42", "proposal:7").
type Bus struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
	// remote, when set, also sends each event to the other servers (PostgreSQL NOTIFY);
	// events arriving from them are delivered with Deliver.
	remote func(ctx context.Context, topic string, data []byte) error
}

// New returns an in-process bus.
func New() *Bus { return &Bus{subs: map[string]map[chan []byte]struct{}{}} }

// SetRemote makes Publish also forward events to other servers.
func (b *Bus) SetRemote(fn func(ctx context.Context, topic string, data []byte) error) {
	b.mu.Lock()
	b.remote = fn
	b.mu.Unlock()
}

// Publish sends data to the topic's subscribers here and, when scaled out, elsewhere.
func (b *Bus) Publish(ctx context.Context, topic string, data []byte) error {
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

// Subscribe returns a channel of the topic's events and a function to stop.
func (b *Bus) Subscribe(topic string) (<-chan []byte, func()) {
	ch := make(chan []byte, 16)
	b.mu.Lock()
	if b.subs[topic] == nil {
		b.subs[topic] = map[chan []byte]struct{}{}
	}
	b.subs[topic][ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[topic], ch)
		if len(b.subs[topic]) == 0 {
			delete(b.subs, topic)
		}
		b.mu.Unlock()
	}
}
