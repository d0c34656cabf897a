# shellcheck shell=bash
# Installs what PACS Academy needs on a fresh Debian machine, skipping
# whatever is already there. Sourced by scripts/serve and scripts/test:
#   source scripts/setup.sh build   # toolchain, cargo-leptos, wasm-bindgen, wasm-opt
#   source scripts/setup.sh test    # the above, plus Chromium, Playwright and validators

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION="0.3.11"
SETUP_MODE="${1:-build}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

command -v rustup >/dev/null || die "rustup is missing: this machine kind ships it; install rustup first"
command -v npm >/dev/null || die "npm is missing: install Node.js 20 (apt-get install -y nodejs npm)"

# 1. The Rust toolchain pinned in rust-toolchain.toml, with wasm32 and clippy.
TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 \
   || ! rustup target list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -q wasm32-unknown-unknown \
   || ! rustup component list --installed --toolchain "$TOOLCHAIN" 2>/dev/null | grep -q clippy; then
  say "installing Rust $TOOLCHAIN with wasm32, rustfmt and clippy"
  rustup toolchain install
fi

# 2. cargo-leptos (LTO off for the install: half the build time, same tool).
if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# 3. wasm-bindgen CLI at exactly the version in Cargo.lock.
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
[ -n "$WBG_VERSION" ] || die "cannot read the wasm-bindgen version from Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ]; then
  say "installing wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

# 4. wasm-opt, from the npm package binaryen (pinned in package-lock.json).
if [ ! -x node_modules/.bin/wasm-opt ]; then
  say "installing wasm-opt (npm binaryen)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$SETUP_MODE" = "test" ]; then
  # 5. Chromium for the browser tests (Playwright cannot download its own
  #    here), and the independent DICOM tools: dcmtk (dcmdump) and
  #    dicom3tools (dciodvfy).
  MISSING=""
  [ -x /usr/bin/chromium ] || MISSING="$MISSING chromium"
  command -v dcmdump >/dev/null || MISSING="$MISSING dcmtk"
  command -v dciodvfy >/dev/null || MISSING="$MISSING dicom3tools"
  if [ -n "$MISSING" ]; then
    say "installing from Debian:$MISSING"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $MISSING >/dev/null
  fi
  # 6. Playwright and axe-core.
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing Playwright and axe-core"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
  # 7. Independent validators: hl7apy (HL7 v2) and pydicom (DICOM), with pytest.
  if ! python3 -c "import hl7apy, pydicom, pytest" >/dev/null 2>&1; then
    say "installing validators: hl7apy, pydicom, pytest"
    python3 -m pip install --quiet --disable-pip-version-check -r tests/validators/requirements.txt
  fi
fi
