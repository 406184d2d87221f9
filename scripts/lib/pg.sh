# shellcheck shell=bash
# scripts/lib/pg.sh — start and stop a throwaway PostgreSQL cluster for tests and benchmarks.
#
# Source it, then:
#   pg_start            # sets PG_URL (postgres://…), PG_PORT, PG_HOST, PG_DIR
#   …
#   pg_stop             # stops the cluster and removes its folder (safe to call twice)
#
# The cluster lives in a temporary folder, listens on 127.0.0.1 on a free port and on a
# Unix socket inside that folder, and trusts local connections (it is for tests only).
# Its superuser is "participe" (the app's migrations run CREATE EXTENSION unaccent, which
# needs a superuser). PostgreSQL refuses to run as root, so when we are root the cluster
# runs as the system user "participe-test" (created if missing).
#
# Settings: PG_EXTRA_OPTS adds server options (e.g. "-c shared_buffers=1GB" for bench/);
# PG_DURABLE=1 keeps fsync on (benchmarks of durable writes); by default fsync is off
# because a test cluster is thrown away anyway.

PG_TEST_USER=${PG_TEST_USER:-participe-test}

# pg_bindir prints the folder holding initdb/pg_ctl, or fails.
pg_bindir() {
	local p d
	if p=$(command -v initdb 2>/dev/null) && [[ -n $p ]]; then
		p=$(readlink -f "$p")
		dirname "$p"
		return 0
	fi
	# Debian keeps the server binaries out of PATH; take the newest version.
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# pg_free_port prints a TCP port on 127.0.0.1 that nothing listens on right now.
pg_free_port() {
	local port _
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 30000))
		# A refused connection means the port is free (a small race remains; pg_start retries).
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# _pg_as runs a command as the cluster's owner.
_pg_as() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u "$PG_TEST_USER" -- "$@"
	else
		"$@"
	fi
}

_pg_ensure_user() {
	[[ $(id -u) -eq 0 ]] || return 0
	if ! id -u "$PG_TEST_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_TEST_USER"
	fi
}

# pg_start starts the cluster; it returns non-zero (with the server log printed) on failure.
pg_start() {
	local bindir try opts locale
	bindir=$(pg_bindir) || {
		echo "pg.sh: PostgreSQL server binaries (initdb, pg_ctl) not found" >&2
		return 1
	}
	_pg_ensure_user || {
		echo "pg.sh: cannot create the system user $PG_TEST_USER" >&2
		return 1
	}
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/participe-pg.XXXXXX")
	chmod 0755 "$PG_DIR"
	if [[ $(id -u) -eq 0 ]]; then
		chown "$PG_TEST_USER" "$PG_DIR"
	fi
	# C.UTF-8 so that lower()/upper() know accented letters; fall back to C when missing.
	locale=C.UTF-8
	if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
		locale=C
	fi
	if ! _pg_as "$bindir/initdb" -D "$PG_DIR/data" -U participe --auth=trust -E UTF8 \
		--locale="$locale" >"$PG_DIR/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	opts="-c listen_addresses=127.0.0.1 -c max_connections=200"
	if [[ ${PG_DURABLE:-0} != 1 ]]; then
		opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	opts+=" ${PG_EXTRA_OPTS:-}"
	for try in 1 2 3; do
		PG_PORT=$(pg_free_port) || return 1
		if _pg_as "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
			-o "-k $PG_DIR -p $PG_PORT $opts" start >/dev/null 2>&1; then
			break
		fi
		if [[ $try -eq 3 ]]; then
			echo "pg.sh: pg_ctl start failed:" >&2
			tail -n 30 "$PG_DIR/server.log" >&2 || true
			return 1
		fi
	done
	if ! _pg_as "$bindir/createdb" -h "$PG_DIR" -p "$PG_PORT" -U participe participe; then
		echo "pg.sh: createdb failed" >&2
		pg_stop
		return 1
	fi
	PG_HOST=127.0.0.1
	PG_BIN=$bindir
	PG_URL="postgres://participe@127.0.0.1:$PG_PORT/participe?sslmode=disable"
	export PG_URL PG_PORT PG_HOST PG_DIR PG_BIN
}

# pg_stop stops the cluster started by pg_start and removes its folder.
pg_stop() {
	[[ -n ${PG_DIR:-} && -d ${PG_DIR:-} ]] || return 0
	local bindir
	bindir=${PG_BIN:-$(pg_bindir)} || true
	if [[ -n $bindir && -f $PG_DIR/data/postmaster.pid ]]; then
		_pg_as "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
			_pg_as "$bindir/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}
