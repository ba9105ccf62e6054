#!/usr/bin/env bash
# scripts/pulumi-engine.sh — provide a Pulumi CLI ("engine") that matches the
# npm package @pulumi/pulumi (the version package.json depends on), without
# reaching get.pulumi.com or GitHub.
#
# Usage:   scripts/pulumi-engine.sh [--force] [--help]
# Output:  the LAST (and only) line on stdout is a directory containing
#          `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
#          All logging and timings go to stderr. Exit 0 on success.
#
#   BIN=$(scripts/pulumi-engine.sh) && export PATH="$BIN:$PATH" \
#     PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
#
# The version: package.json's dependency "@pulumi/pulumi" (read with node): X.Y.Z there
# builds pulumi vX.Y.Z. tools/pulumi-language-nodejs/go.mod must require the same version.
#
# Resolution order:
#   1. a complete `pulumi` of that version already on PATH (its directory also holds
#      pulumi-language-nodejs) -> print that directory;
#   2. a complete build in the cache dir, made from the current
#      tools/pulumi-language-nodejs -> print it (takes ~1 s);
#   3. otherwise build into the cache dir:
#        ${GOVNET_PULUMI_HOME:-$HOME/.cache/govnet/pulumi-v<version>}/bin
#      - pulumi                  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, a `tool` of the
#                                Go module tools/pulumi-language-nodejs (its go.mod and go.sum
#                                pin pkg, sdk and every dependency);
#      - pulumi-language-nodejs  the official module
#                                github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
#                                at the release commit if the proxy serves it, else the
#                                minimal Go language host in tools/pulumi-language-nodejs;
#      - pulumi-resource-pulumi-nodejs, pulumi-analyzer-policy
#                                small bash launchers for the JS entry points that ship
#                                in the program's own node_modules/@pulumi/pulumi.
#
# Environment:
#   GOVNET_PULUMI_HOME      cache root (default $HOME/.cache/govnet/pulumi-v<version>)
#   GOVNET_PULUMI_LANGHOST  auto (default) | official | minimal — which language host to
#                           build; `official` fails if the proxy does not serve it.
#   Go's own variables (GOPROXY, GOMODCACHE, GOCACHE, ...) are honoured; the default
#   module and build caches are shared with other Go builds on the machine.
#
# Safe to re-run: builds happen in a temp dir inside the cache root under a lock
# and are moved into place only when complete.
set -euo pipefail
unset CDPATH   # `cd` must never echo a directory onto stdout

log() { printf '[pulumi-engine] %s\n' "$*" >&2; }
die() { printf 'pulumi-engine.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$arg' (try --help)" ;;
  esac
done

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly REPO_ROOT
# The Go module of the minimal language host; it also pins the pulumi CLI's dependencies.
readonly HOST_MODULE="$REPO_ROOT/tools/pulumi-language-nodejs"

# The one home of the version: package.json's dependency on the SDK.
command -v node >/dev/null 2>&1 ||
  die "'node' not found on PATH: it reads the Pulumi version from package.json (and runs the plugins)"
SDK_VERSION=$(cd "$REPO_ROOT" && node -p "require('./package.json').dependencies['@pulumi/pulumi']") ||
  die "cannot read the @pulumi/pulumi dependency from $REPO_ROOT/package.json"
[[ "$SDK_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "package.json's @pulumi/pulumi must be an exact version such as 1.2.3 (got '$SDK_VERSION')"
readonly PULUMI_VERSION="v$SDK_VERSION"

readonly PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
readonly SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
readonly LANGHOST_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
readonly CLI_PKG="$PKG_MOD/cmd/pulumi"

# pinned_release_commit VERSION: the release commit of a version, when known. It is the
# Origin.Hash of tag pkg/VERSION as reported by `go mod download -json` when the module
# cache holds VCS origin info; the proxy's .info files usually omit Origin (then sdk's tag
# commit cannot be read either), so the ones seen are recorded here. A live Origin.Hash
# (sdk's first, then pkg's) wins when present.
pinned_release_commit() {
  case "$1" in
    v3.248.0) echo dc7edd58bc13179f81b80983aab4eb7f74a01b41 ;;
  esac
}
readonly VERSION_LDFLAG="-X $SDK_MOD/go/common/version.Version=$PULUMI_VERSION"
readonly STAMP=".govnet-pulumi-engine"   # metadata file written into the bin dir
# Files that make a bin dir usable for `pulumi up` with Node.js programs.
readonly REQUIRED_FILES=(pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs)

LANGHOST_MODE="${GOVNET_PULUMI_LANGHOST:-auto}"
case "$LANGHOST_MODE" in auto|official|minimal) ;; *)
  die "GOVNET_PULUMI_LANGHOST must be auto, official or minimal (got '$LANGHOST_MODE')" ;;
esac

HOME_DIR="${GOVNET_PULUMI_HOME:-${HOME:?HOME is not set}/.cache/govnet/pulumi-$PULUMI_VERSION}"
[[ "$HOME_DIR" == /* ]] || HOME_DIR="$PWD/$HOME_DIR"   # always print absolute paths
BIN_DIR="$HOME_DIR/bin"

# --- timing helpers ----------------------------------------------------------
now_ms() { date +%s%3N; }
SCRIPT_T0=$(now_ms)
STEP_T0=$SCRIPT_T0
step_begin() { STEP_T0=$(now_ms); log "$*"; }
step_end() {
  local t; t=$(now_ms)
  log "$(printf '%s: %d.%03ds (total %d.%03ds)' "$1" $(((t - STEP_T0) / 1000)) $(((t - STEP_T0) % 1000)) \
    $(((t - SCRIPT_T0) / 1000)) $(((t - SCRIPT_T0) % 1000)))"
}

# --- reuse an existing install -----------------------------------------------
# The host module's sources (what the binaries are built from; not its tests): a build
# whose stamp records another hash is stale and rebuilt.
[[ -f "$HOST_MODULE/go.mod" ]] || die "$HOST_MODULE/go.mod not found: run this script from a govnet checkout"
host_module_hash() {
  (cd "$HOST_MODULE" && find . -maxdepth 1 -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) \
    ! -name '*_test.go' -print | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -d' ' -f1
}
HOST_HASH=$(host_module_hash)
readonly HOST_HASH

# pulumi_version DIR: the version printed by DIR/pulumi (empty on failure).
pulumi_version() {
  PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
    "$1/pulumi" version 2>/dev/null | tr -d '[:space:]' || true
}

# is_complete DIR: DIR holds pulumi $PULUMI_VERSION plus the Node.js plugins, and, if this
# script built it, from the current host module.
is_complete() {
  local dir=$1 f
  for f in "${REQUIRED_FILES[@]}"; do
    [[ -x "$dir/$f" ]] || return 1
  done
  if [[ -f "$dir/$STAMP" ]] && ! grep -qx "host_module_hash=$HOST_HASH" "$dir/$STAMP"; then
    log "$dir was built from another tools/pulumi-language-nodejs; not using it"
    return 1
  fi
  [[ "$(pulumi_version "$dir")" == "$PULUMI_VERSION" ]]
}

# found DIR WHAT: report and print the answer.
found() {
  step_end "$2"
  printf '%s\n' "$1"
  exit 0
}

# check_existing: exits 0 (printing the dir) if a usable install already exists.
check_existing() {
  local p dir
  if p=$(command -v pulumi 2>/dev/null) && [[ -n "$p" ]]; then
    dir=$(cd "$(dirname "$p")" && pwd -P)
    if is_complete "$dir"; then
      found "$dir" "using pulumi $PULUMI_VERSION found on PATH in $dir"
    elif [[ "$(pulumi_version "$dir")" == "$PULUMI_VERSION" ]]; then
      log "pulumi $PULUMI_VERSION on PATH ($dir) lacks pulumi-language-nodejs/pulumi-resource-pulumi-nodejs or is stale; not using it"
    else
      log "pulumi on PATH ($p) is '$(pulumi_version "$dir")', not $PULUMI_VERSION; ignoring it"
    fi
  fi
  if is_complete "$BIN_DIR"; then
    found "$BIN_DIR" "using cached build in $BIN_DIR"
  fi
}

step_begin "looking for pulumi $PULUMI_VERSION (PATH, then $BIN_DIR)"
if [[ $FORCE -eq 0 ]]; then
  check_existing
fi
step_end "no usable pulumi $PULUMI_VERSION found; building"

# --- build prerequisites -------------------------------------------------------
command -v go >/dev/null 2>&1 ||
  die "'go' not found on PATH: Go >= 1.25 is needed to build pulumi $PULUMI_VERSION (or put pulumi $PULUMI_VERSION on PATH)"

mkdir -p "$HOME_DIR"
HOME_DIR=$(cd "$HOME_DIR" && pwd -P)
BIN_DIR="$HOME_DIR/bin"

# Serialise concurrent runs (two shells, CI + dev) on the same cache dir.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$HOME_DIR/.lock"
  if ! flock -n 9; then
    log "another pulumi-engine.sh is building in $HOME_DIR; waiting for it"
    flock 9
  fi
  # The other run may have finished the job for us.
  if [[ $FORCE -eq 0 ]] && is_complete "$BIN_DIR"; then
    found "$BIN_DIR" "using build just finished by another run in $BIN_DIR"
  fi
fi

WORK=$(mktemp -d "$HOME_DIR/.build.XXXXXX")
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
STAGE="$WORK/bin"        # becomes $BIN_DIR once everything is built
mkdir -p "$STAGE"

# Build settings: static binaries (no cgo), no go.work from a surrounding directory, no
# VCS stamping (the binaries do not depend on the checkout's git state).
export CGO_ENABLED=0 GOWORK=off GOFLAGS=-buildvcs=false

# json_field NAME < go-json: first string value of "NAME" in `go ... -json` output.
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\\(.*\\)\",\{0,1\}\$/\\1/p" | head -n1; }

# nonlocal_replaces GOMOD: print `-replace=OLD=NEW` edit flags for every replace
# directive of GOMOD whose target is a module (not a ../relative or /absolute dir).
nonlocal_replaces() {
  awk '
    /^replace[ \t]*\(/        { inblock = 1; next }
    inblock && /^[ \t]*\)/    { inblock = 0; next }
    inblock                   { print; next }
    /^replace[ \t]/           { sub(/^replace[ \t]+/, ""); print }
  ' "$1" | sed 's://.*$::' | while IFS= read -r line; do
    [[ "$line" == *"=>"* ]] || continue
    local lhs rhs old oldv new newv
    lhs=${line%%=>*}; rhs=${line#*=>}
    read -r old oldv _ <<<"$lhs"
    read -r new newv _ <<<"$rhs"
    case "$new" in ./*|../*|/*|.|..) continue ;; esac
    [[ -n "$newv" ]] || continue
    printf -- '-replace=%s%s=%s@%s\n' "$old" "${oldv:+@$oldv}" "$new" "$newv"
  done
}

# module_replace MODDIR OLD: the module OLD is replaced with in MODDIR's go.mod, as NEW@VERSION.
module_replace() {
  (cd "$1" && go list -mod=readonly -m -f '{{with .Replace}}{{.Path}}@{{.Version}}{{end}}' "$2" 2>/dev/null) || true
}

# --- 1. the release, from the module proxy -----------------------------------------
step_begin "checking tools/pulumi-language-nodejs against $PKG_MOD@$PULUMI_VERSION and $SDK_MOD@$PULUMI_VERSION"
cd "$WORK"
PKG_JSON=$(go mod download -json "$PKG_MOD@$PULUMI_VERSION") ||
  die "cannot download $PKG_MOD@$PULUMI_VERSION from the Go module proxy ($(go env GOPROXY))"
SDK_JSON=$(go mod download -json "$SDK_MOD@$PULUMI_VERSION") ||
  die "cannot download $SDK_MOD@$PULUMI_VERSION from the Go module proxy ($(go env GOPROXY))"
PKG_GOMOD=$(json_field GoMod <<<"$PKG_JSON")
[[ -f "$PKG_GOMOD" ]] || die "no go.mod path in 'go mod download -json $PKG_MOD@$PULUMI_VERSION' output"
# The release commit: sdk's tag commit if the proxy reported it, else pkg's (same release).
RELEASE_COMMIT=$(json_field Hash <<<"$SDK_JSON")
[[ -n "$RELEASE_COMMIT" ]] || RELEASE_COMMIT=$(json_field Hash <<<"$PKG_JSON")
if [[ -n "$RELEASE_COMMIT" ]]; then
  log "release commit: $RELEASE_COMMIT (from the module proxy's origin info)"
else
  RELEASE_COMMIT=$(pinned_release_commit "$PULUMI_VERSION")
  if [[ -n "$RELEASE_COMMIT" ]]; then
    log "release commit: $RELEASE_COMMIT (pinned; the proxy reported no VCS origin)"
  else
    log "release commit: unknown (the proxy reported no VCS origin and none is pinned for $PULUMI_VERSION)"
  fi
fi
# The host module must build the release package.json names, with pkg's replace directives.
HOST_FIX="in tools/pulumi-language-nodejs run: go get $PKG_MOD@$PULUMI_VERSION $SDK_MOD@$PULUMI_VERSION"
for mod in "$PKG_MOD" "$SDK_MOD"; do
  have=$(cd "$HOST_MODULE" && go list -mod=readonly -m -f '{{.Version}}' "$mod") ||
    die "tools/pulumi-language-nodejs/go.mod does not resolve $mod (see the go error above)"
  [[ "$have" == "$PULUMI_VERSION" ]] ||
    die "tools/pulumi-language-nodejs/go.mod requires $mod $have, package.json's @pulumi/pulumi is $PULUMI_VERSION: $HOST_FIX"
done
mapfile -t PKG_REPLACES < <(nonlocal_replaces "$PKG_GOMOD")
for flag in "${PKG_REPLACES[@]}"; do
  spec=${flag#-replace=}; old=${spec%%=*}; new=${spec#*=}
  [[ "$(module_replace "$HOST_MODULE" "${old%@*}")" == "$new" ]] ||
    die "tools/pulumi-language-nodejs/go.mod lacks pkg's replace $old => $new: in tools/pulumi-language-nodejs run: go mod edit $flag && go mod tidy"
done
log "pkg/go.mod replace directives, present in tools/pulumi-language-nodejs/go.mod: ${PKG_REPLACES[*]:-none}"
step_end "module metadata"

# --- 2. the official Node.js language host, if the proxy serves it -------------
LANGHOST_KIND=minimal
LANGHOST_VERSION=""
LANGHOST_REPLACES=()
if [[ "$LANGHOST_MODE" != minimal ]]; then
  step_begin "resolving $LANGHOST_MOD at the $PULUMI_VERSION release"
  # The module is not tagged separately: ask for the tag name, then the commit.
  for query in "$PULUMI_VERSION" ${RELEASE_COMMIT:+"$RELEASE_COMMIT"}; do
    if LH_JSON=$(go mod download -json "$LANGHOST_MOD@$query" 2>/dev/null); then
      LANGHOST_VERSION=$(json_field Version <<<"$LH_JSON")
      LH_GOMOD=$(json_field GoMod <<<"$LH_JSON")
      # A pseudo-version must point at the release commit.
      if [[ "$LANGHOST_VERSION" == *-*-* &&
            "${LANGHOST_VERSION##*-}" != "${RELEASE_COMMIT:0:12}" ]]; then
        log "  $query resolved to $LANGHOST_VERSION, which is not the release commit; skipping"
        LANGHOST_VERSION=""
        continue
      fi
      LANGHOST_KIND=official
      mapfile -t LANGHOST_REPLACES < <(nonlocal_replaces "$LH_GOMOD")
      break
    else
      log "  not served: $LANGHOST_MOD@$query ($(json_field Error <<<"${LH_JSON:-}" | grep -o "[0-9][0-9][0-9] [A-Za-z ]*" | head -n1))"
    fi
  done
  if [[ $LANGHOST_KIND == official ]]; then
    log "official language host: $LANGHOST_MOD@$LANGHOST_VERSION"
  elif [[ "$LANGHOST_MODE" == official ]]; then
    die "the Go module proxy does not serve $LANGHOST_MOD at the $PULUMI_VERSION release (GOVNET_PULUMI_LANGHOST=official)"
  else
    log "WARNING: the Go module proxy does not serve $LANGHOST_MOD; building the minimal"
    log "WARNING: language host of tools/pulumi-language-nodejs instead (run/preview/up/destroy, dynamic providers, policy packs)"
  fi
  step_end "language host resolution"
fi

# --- 3. the module to build in ----------------------------------------------------
# Minimal host: the repository's module as it is (go.mod and go.sum committed, read-only).
# Official host: a copy of it in $WORK that also requires the official module; that
# module's go.mod points pkg and sdk at ../relative paths, so they are pinned to the release.
BUILD_MOD="$HOST_MODULE"
MOD_FLAG=-mod=readonly
if [[ $LANGHOST_KIND == official ]]; then
  step_begin "adding $LANGHOST_MOD to a copy of tools/pulumi-language-nodejs"
  BUILD_MOD="$WORK/mod"
  MOD_FLAG=-mod=mod
  mkdir -p "$BUILD_MOD"
  cp "$HOST_MODULE"/go.mod "$HOST_MODULE"/go.sum "$BUILD_MOD"/
  cd "$BUILD_MOD"
  go mod edit -require="$LANGHOST_MOD@$LANGHOST_VERSION" "${LANGHOST_REPLACES[@]}" \
    -replace="$PKG_MOD=$PKG_MOD@$PULUMI_VERSION" -replace="$SDK_MOD=$SDK_MOD@$PULUMI_VERSION" \
    "${PKG_REPLACES[@]}"   # applied last: pkg's replaces win on conflicts
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$LANGHOST_MOD" >tools.go
  go mod tidy >&2
  step_end "build module"
fi
cd "$BUILD_MOD"

# --- 4. build -------------------------------------------------------------------
step_begin "building pulumi (first build: 5-30 min on 2 cores; later builds hit the Go build cache)"
go build "$MOD_FLAG" -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi" "$CLI_PKG" >&2
step_end "pulumi built"

step_begin "building pulumi-language-nodejs ($LANGHOST_KIND)"
if [[ $LANGHOST_KIND == official ]]; then
  go build "$MOD_FLAG" -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi-language-nodejs" "$LANGHOST_MOD" >&2
else
  go build "$MOD_FLAG" -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi-language-nodejs" . >&2
fi
step_end "pulumi-language-nodejs built"

# --- 5. Node.js plugin launchers ---------------------------------------------
# Both resolve @pulumi/pulumi from the current directory, exactly like the
# launchers in the official CLI tarball: the engine starts the dynamic provider
# in the program directory and the policy shim in the policy pack directory.
write_launcher() { # write_launcher FILE MODULE DESCRIPTION
  cat >"$1" <<EOF_LAUNCHER
#!/usr/bin/env bash
# $3
# Written by govnet scripts/pulumi-engine.sh (pulumi $PULUMI_VERSION). Resolves
# $2 from the current directory's node_modules and runs it with node.
set -euo pipefail
script=\$(node -e 'try { console.log(require.resolve("$2", { paths: [process.cwd()] })); } catch (e) { console.error(e.message); process.exit(1); }')
exec node "\$script" "\$@"
EOF_LAUNCHER
  chmod 0755 "$1"
}
write_launcher "$STAGE/pulumi-resource-pulumi-nodejs" "@pulumi/pulumi/cmd/dynamic-provider" \
  "Pulumi resource plugin 'pulumi-nodejs': the provider behind pulumi.dynamic.Resource."
write_launcher "$STAGE/pulumi-analyzer-policy" "@pulumi/pulumi/cmd/run-policy-pack" \
  "Legacy policy-pack shim; pulumi >= 3.1xx runs Node.js policy packs via the language host's RunPlugin instead."

cat >"$STAGE/$STAMP" <<EOF_STAMP
pulumi_version=$PULUMI_VERSION
release_commit=${RELEASE_COMMIT:-unknown}
langhost=$LANGHOST_KIND
langhost_module_version=${LANGHOST_VERSION:-n/a}
host_module_hash=$HOST_HASH
go_version=$(go env GOVERSION)
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF_STAMP

# --- 6. verify and install atomically -----------------------------------------
[[ "$(pulumi_version "$STAGE")" == "$PULUMI_VERSION" ]] ||
  die "the freshly built pulumi does not report $PULUMI_VERSION (got '$(pulumi_version "$STAGE")')"
"$STAGE/pulumi-language-nodejs" -version >/dev/null ||
  die "the freshly built pulumi-language-nodejs does not start"

if [[ -e "$BIN_DIR" ]]; then
  mv "$BIN_DIR" "$WORK/old-bin"      # removed with $WORK by the EXIT trap
fi
mv "$STAGE" "$BIN_DIR"               # same filesystem: a rename
log "installed into $BIN_DIR ($(tr '\n' ' ' <"$BIN_DIR/$STAMP"))"
found "$BIN_DIR" "done"
