// Package mail sends email through a background job, so a slow or down SMTP server
// never blocks a request and a failed send is retried with back-off.
package mail

import (
	"context"

	"participe/internal/db"
	"participe/internal/jobs"
)

// JobKind is the job that sends one message.
const JobKind = "mail.send"

// Message is one email, already rendered in the recipient's language.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// EnqueueTx queues m for sending in the same transaction as the write that causes it.
func EnqueueTx(ctx context.Context, q *jobs.Queue, tx *db.Tx, m Message) error {
	return q.EnqueueTx(ctx, tx, JobKind, m, jobs.Options{})
}

// Enqueue queues m in its own transaction.
func Enqueue(ctx context.Context, q *jobs.Queue, m Message) error {
	return q.Enqueue(ctx, JobKind, m, jobs.Options{})
}
