# Start a throwaway PostgreSQL on a free loopback port (sourced by scripts/test and scripts/bench).
# Sets PG_URL and registers stop_pg for the EXIT trap.
pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && dirname "$(readlink -f "$(command -v initdb)")"
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_pg() {
  local bindir; bindir="$(pg_bindir)"
  if [ -z "$bindir" ]; then echo "PostgreSQL (initdb) not found"; return 1; fi
  PG_DIR="$(mktemp -d /tmp/cati-pg.XXXXXX)"
  PG_PORT="$(free_port)"
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U cati -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; return 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=120" \
    start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  "${as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U cati cati
  PG_URL="postgresql+psycopg://cati@127.0.0.1:$PG_PORT/cati"
  PG_BINDIR="$bindir"; PG_AS=("${as[@]}")
  echo "» PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

stop_pg() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
