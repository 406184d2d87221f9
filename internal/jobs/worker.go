package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RunOnce claims and runs the jobs due now, returning how many ran. Tests call it to
// drive the queue deterministically.
func (q *Queue) RunOnce(ctx context.Context) (int, error) {
	jobs, err := q.claim(ctx, q.Concurrency*4)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		q.run(ctx, j)
	}
	return len(jobs), nil
}

// RunUntilIdle runs jobs until none is due (bounded, for tests).
func (q *Queue) RunUntilIdle(ctx context.Context) error {
	for i := 0; i < 100; i++ {
		n, err := q.RunOnce(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
	return errors.New("jobs: still busy after 100 rounds")
}

func (q *Queue) run(ctx context.Context, j Job) {
	q.mu.RLock()
	h := q.handlers[j.Kind]
	q.mu.RUnlock()
	var err error
	if h == nil {
		err = fmt.Errorf("no handler for job kind %q", j.Kind)
	} else {
		jobCtx, cancel := context.WithTimeout(ctx, q.Lease/2)
		err = safeRun(jobCtx, h, j.Payload)
		cancel()
	}
	if err != nil {
		q.log.Warn("job failed", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
	}
	if ferr := q.finish(context.WithoutCancel(ctx), j, err); ferr != nil {
		q.log.Error("job state not saved", "id", j.ID, "err", ferr)
	}
}

func safeRun(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job panicked: %v", r)
		}
	}()
	return h(ctx, payload)
}

// Run works until ctx ends: it claims due jobs, runs them with bounded concurrency, and
// sleeps Poll between empty rounds (or until Notify).
func (q *Queue) Run(ctx context.Context) {
	sem := make(chan struct{}, q.Concurrency)
	q.log.Info("job worker started", "worker", q.workerID)
	for ctx.Err() == nil {
		jobs, err := q.claim(ctx, q.Concurrency)
		if err != nil && ctx.Err() == nil {
			q.log.Warn("job claim failed", "err", err)
		}
		for _, j := range jobs {
			sem <- struct{}{}
			go func(j Job) {
				defer func() { <-sem }()
				q.run(ctx, j)
			}(j)
		}
		if len(jobs) == 0 {
			select {
			case <-ctx.Done():
			case <-q.wake:
			case <-time.After(q.Poll):
			}
		}
	}
	for i := 0; i < cap(sem); i++ { // wait for running jobs
		sem <- struct{}{}
	}
	q.log.Info("job worker stopped")
}
