#!/usr/bin/env bash
# Installs what alloy-bench needs and creates .venv. Safe to re-run; does nothing that is already done.
#   - system packages (Debian/Ubuntu, as root or with sudo): PostgreSQL server, git, bubblewrap
#   - Node.js 20.12+ and npm must already be installed (the fixture's dependencies come from `npm ci`)
#   - a Python 3.11+ virtual environment in .venv with alloy-bench installed (editable) + test tools
#   - with --test: also Chromium, in which the tests open the HTML scorecard
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

have_pg_server() {
  [ -n "${ALLOY_PG_BINDIR:-}" ] && [ -x "$ALLOY_PG_BINDIR/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null
}

packages=()
have_pg_server || packages+=(postgresql)
command -v psql >/dev/null || packages+=(postgresql-client)
command -v git >/dev/null || packages+=(git)
command -v bwrap >/dev/null || packages+=(bubblewrap)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null || packages+=(chromium)
fi
if [ ${#packages[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${packages[*]}; install them with your package manager (or set ALLOY_PG_BINDIR)."
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "missing ${packages[*]}; run as root or install them: apt-get install ${packages[*]}"
    sudo="sudo"
  fi
  say "installing ${packages[*]} (apt-get)"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

command -v node >/dev/null && command -v npm >/dev/null \
  || die "Node.js 20.12+ with npm is required (https://nodejs.org, or NodeSource's packages); Debian 12's nodejs is too old."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=12)?0:1)' \
  || die "Node.js $(node --version) is too old; 20.12 or newer is required."

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11+ is required (set PYTHON=...)."
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.alloy-bench-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing alloy-bench into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
say "preparing the AlloyWebSite fixture (npm ci, cached per fixture version)"
.venv/bin/python -c 'from evals.fixture import prepare_fixture; print("setup: fixture", prepare_fixture().version)' \
  || die "could not prepare the fixture (see the message above)"
say "ready"
