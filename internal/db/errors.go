package db

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"participe/internal/participe"
)

// ErrNoRows is database/sql's, re-exported so services need not import it.
var ErrNoRows = sql.ErrNoRows

// translate maps driver errors that mean "the database is unavailable" to a domain
// error; other errors pass through unchanged (callers check IsUniqueViolation…).
func translate(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
			return &participe.Error{Code: participe.EUNAVAILABLE, Message: "database cannot write", Key: "error.unavailable", Err: err}
		}
		if se.Code()&0xff == sqlite3.SQLITE_FULL || se.Code()&0xff == sqlite3.SQLITE_IOERR {
			return &participe.Error{Code: participe.EUNAVAILABLE, Message: "database cannot write", Key: "error.unavailable", Err: err}
		}
	}
	return err
}

// IsUniqueViolation reports whether err is a unique or primary-key constraint failure.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key constraint failure.
func IsForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}

// IsNoRows reports whether err means the query found nothing.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// NotFound turns sql.ErrNoRows into a domain ENOTFOUND error with msg; other errors
// are returned unchanged.
func NotFound(err error, msg string) error {
	if IsNoRows(err) {
		return &participe.Error{Code: participe.ENOTFOUND, Message: msg, Err: err}
	}
	return err
}

// IsUnavailable reports whether err means the database could not be reached.
func IsUnavailable(err error) bool {
	if participe.IsCode(err, participe.EUNAVAILABLE) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "connection refused") || strings.Contains(s, "failed to connect")
}
