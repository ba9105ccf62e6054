#!/usr/bin/env bash
# scripts/pulumi-engine.sh — provide a Pulumi CLI ("engine") that matches the
# npm package @pulumi/pulumi 3.248.0, without reaching get.pulumi.com or GitHub.
#
# Usage:   scripts/pulumi-engine.sh [--force] [--help]
# Output:  the LAST (and only) line on stdout is a directory containing
#          `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
#          All logging and timings go to stderr. Exit 0 on success.
#
#   BIN=$(scripts/pulumi-engine.sh) && export PATH="$BIN:$PATH" \
#     PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
#
# Resolution order:
#   1. a complete `pulumi` v3.248.0 already on PATH (its directory also holds
#      pulumi-language-nodejs) -> print that directory;
#   2. a complete build in the cache dir -> print it (takes ~1 s);
#   3. otherwise build from the Go module proxy into the cache dir:
#        ${GOVNET_PULUMI_HOME:-$HOME/.cache/govnet/pulumi-v3.248.0}/bin
#      - pulumi                  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, built from a
#                                generated wrapper module (pkg's go.mod has replace
#                                directives, so `go install pkg@version` is refused);
#      - pulumi-language-nodejs  the official module
#                                github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
#                                at the release commit if the proxy serves it, else a
#                                minimal Go language host embedded in this script
#                                (see "Fallback language host" below);
#      - pulumi-resource-pulumi-nodejs, pulumi-analyzer-policy
#                                small bash launchers for the JS entry points that ship
#                                in the program's own node_modules/@pulumi/pulumi.
#
# Environment:
#   GOVNET_PULUMI_HOME      cache root (default $HOME/.cache/govnet/pulumi-v3.248.0)
#   GOVNET_PULUMI_LANGHOST  auto (default) | official | minimal — which language host to
#                           build; `official` fails if the proxy does not serve it.
#   Go's own variables (GOPROXY, GOMODCACHE, GOCACHE, ...) are honoured; the default
#   module and build caches are shared with other Go builds on the machine.
#
# Safe to re-run: builds happen in a temp dir inside the cache root under a lock
# and are moved into place only when complete.
set -euo pipefail
unset CDPATH   # `cd` must never echo a directory onto stdout

readonly PULUMI_VERSION="v3.248.0"
readonly PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
readonly SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
readonly LANGHOST_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
readonly CLI_PKG="$PKG_MOD/cmd/pulumi"
# Commit of the v3.248.0 release: Origin.Hash of tag pkg/v3.248.0 as reported by
# `go mod download -json github.com/pulumi/pulumi/pkg/v3@v3.248.0` when the module
# cache holds VCS origin info. The proxy's .info files usually omit Origin (then
# sdk's tag commit cannot be read either), so it is pinned here; a live
# Origin.Hash (sdk's first, then pkg's) wins when present.
readonly PINNED_RELEASE_COMMIT="dc7edd58bc13179f81b80983aab4eb7f74a01b41"
readonly VERSION_LDFLAG="-X $SDK_MOD/go/common/version.Version=$PULUMI_VERSION"
readonly STAMP=".govnet-pulumi-engine"   # metadata file written into the bin dir
# Files that make a bin dir usable for `pulumi up` with Node.js programs.
readonly REQUIRED_FILES=(pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs)

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
# pulumi_version DIR: the version printed by DIR/pulumi (empty on failure).
pulumi_version() {
  PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
    "$1/pulumi" version 2>/dev/null | tr -d '[:space:]' || true
}

# is_complete DIR: DIR holds pulumi v3.248.0 plus the Node.js plugins.
is_complete() {
  local dir=$1 f
  for f in "${REQUIRED_FILES[@]}"; do
    [[ -x "$dir/$f" ]] || return 1
  done
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
      log "pulumi $PULUMI_VERSION on PATH ($dir) lacks pulumi-language-nodejs/pulumi-resource-pulumi-nodejs; not using it"
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
MODDIR="$WORK/mod"       # generated wrapper module (never committed anywhere)
mkdir -p "$STAGE" "$MODDIR"

# Build settings: static binaries (no cgo), the wrapper's go.mod/go.sum may be
# updated by the go command, and no go.work from a surrounding directory applies.
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOWORK=off

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

# --- Fallback language host ---------------------------------------------------
# The Go module proxy reachable from govnet's machines does not serve
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 (HTTP 403
# "not available"), and no registry ships the prebuilt binary. The engine only
# needs a gRPC LanguageRuntime server that starts the JavaScript entry points
# shipped in the npm package @pulumi/pulumi (cmd/run, cmd/run-plugin,
# cmd/run-policy-pack), so this minimal host, built against pkg/sdk v3.248.0,
# does exactly that. It follows the official host's command lines and
# environment (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_*).
write_minimal_langhost() { # write_minimal_langhost FILE
  cat >"$1" <<'EOF_GO'
// govnet fallback Node.js language host for the Pulumi engine.
//
// Generated by scripts/pulumi-engine.sh when the official module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 cannot be
// fetched from the Go module proxy. It implements the subset of the
// LanguageRuntime gRPC service that `pulumi preview/up/destroy` and policy
// packs need, and delegates the actual work to the JavaScript entry points
// that ship in the @pulumi/pulumi npm package (cmd/run, cmd/run-plugin,
// cmd/run-policy-pack), resolved from the program's own node_modules.
//
// Not implemented (the engine receives codes.Unimplemented): code generation
// (GenerateProject/Program/Package, used by `pulumi convert`/`package gen-sdk`),
// Pack, Link, Template, RuntimeOptionsPrompts, RunPlugin2, debugger
// attachment, the bun runtime and legacy synchronous invokes (--sync pipes).
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/shlex"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code used by @pulumi/pulumi's cmd/run when it has already shown the
// user an actionable error message: the engine should bail without more noise.
const exitedAfterUserActionableMessage = 32

func main() {
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	runtimeName := flag.String("runtime", "nodejs", "Runtime to use (only nodejs is supported by this build)")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Bool("typescript", true, "[obsolete]")
	flag.String("root", "", "[obsolete]")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s (this govnet build only supports nodejs)", *runtimeName))
	}
	logging.InitLogging(false, 0, false)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()
	// Exit by ourselves if the engine goes away.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	hostCtx, hostCancel := context.WithCancel(context.Background())
	host := &nodeHost{engineAddress: engineAddress, tracing: *tracing, cancelCtx: hostCtx, cancel: hostCancel}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	cancelCtx     context.Context
	cancel        context.CancelFunc
}

// options mirrors the `runtime.options` block of Pulumi.yaml for nodejs.
type options struct {
	typescript     bool
	tsconfig       string
	nodeargs       []string
	packagemanager npm.PackageManagerType
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	o := options{typescript: true, packagemanager: npm.AutoPackageManager}
	if info == nil || info.Options == nil {
		return o, nil
	}
	m := info.Options.AsMap()
	if v, ok := m["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return o, errors.New("typescript option must be a boolean")
		}
		o.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("tsconfig option must be a string")
		}
		o.tsconfig = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("nodeargs option must be a string")
		}
		args, err := shlex.Split(s)
		if err != nil {
			return o, err
		}
		o.nodeargs = args
	}
	if v, ok := m["packagemanager"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("packagemanager option must be a string")
		}
		o.packagemanager = npm.PackageManagerType(s)
	}
	return o, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// locateModule resolves a module (e.g. "@pulumi/pulumi/cmd/run") the way node
// would from dir, so the program's own copy of @pulumi/pulumi is used.
func locateModule(ctx context.Context, nodeBin, mod, dir, installHint string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (error) { `+
		`if (error.code === "MODULE_NOT_FOUND") { console.error("It looks like the Pulumi SDK has not been installed. Have you run %s?"); } `+
		`else { console.error(error.message); } process.exit(1); }`, mod, installHint)
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.ProgramDirectory != "" {
		return info.ProgramDirectory
	}
	if fallback != "" {
		return fallback
	}
	return "."
}

func (h *nodeHost) Handshake(ctx context.Context,
	req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.EngineAddress != "" {
		h.engineAddress = req.EngineAddress
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *nodeHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *nodeHost) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// packageJSON holds the fields of a package.json that describe a Pulumi
// resource plugin ("pulumi": {"resource": true, ...}).
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   string `json:"value"` // base64
		} `json:"parameterization"`
	} `json:"pulumi"`
}

// findPulumiPackages walks node_modules (including nested ones and scoped
// packages) below dir and returns the Pulumi resource plugins they declare.
func findPulumiPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	seen := map[string]bool{}    // real paths already visited
	dedupe := map[string]bool{} // name@version[@param]
	var out []*pulumirpc.PackageDependency

	var visitNodeModules func(nm string, depth int) error
	visitPackage := func(pkgDir string, depth int) error {
		real, err := filepath.EvalSymlinks(pkgDir)
		if err != nil || seen[real] {
			return nil
		}
		seen[real] = true
		if b, err := os.ReadFile(filepath.Join(pkgDir, "package.json")); err == nil {
			var p packageJSON
			if json.Unmarshal(b, &p) == nil && p.Pulumi.Resource {
				dep, err := toDependency(p)
				if err != nil {
					return fmt.Errorf("%s: %w", filepath.Join(pkgDir, "package.json"), err)
				}
				key := dep.Name + "@" + dep.Version
				if dep.Parameterization != nil {
					key += "@" + dep.Parameterization.Name + "@" + dep.Parameterization.Version
				}
				if !dedupe[key] {
					dedupe[key] = true
					out = append(out, dep)
				}
			}
		}
		return visitNodeModules(filepath.Join(pkgDir, "node_modules"), depth+1)
	}
	visitNodeModules = func(nm string, depth int) error {
		if depth > 32 {
			return nil
		}
		entries, err := os.ReadDir(nm)
		if err != nil {
			return nil // no node_modules here
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p := filepath.Join(nm, name)
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(p)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					if err := visitPackage(filepath.Join(p, s.Name()), depth); err != nil {
						return err
					}
				}
				continue
			}
			if err := visitPackage(p, depth); err != nil {
				return err
			}
		}
		return nil
	}
	// Look in dir and its parents (workspaces / hoisted installs).
	for d := dir; ; {
		if err := visitNodeModules(filepath.Join(d, "node_modules"), 0); err != nil {
			return nil, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return out, nil
}

func toDependency(p packageJSON) (*pulumirpc.PackageDependency, error) {
	name := p.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(p.Name, "@pulumi/") {
			return nil, fmt.Errorf("missing property \"name\" for the third-party plugin %q inside the \"pulumi\" section", p.Name)
		}
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	ver := p.Pulumi.Version
	if ver == "" {
		ver = p.Version
	}
	if ver == "" {
		return nil, errors.New("missing expected \"version\" property")
	}
	if !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: string(apitype.ResourcePlugin), Version: ver, Server: p.Pulumi.Server}
	if pz := p.Pulumi.Parameterization; pz != nil {
		value, err := base64.StdEncoding.DecodeString(pz.Value)
		if err != nil {
			return nil, fmt.Errorf("invalid parameterization value: %w", err)
		}
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: pz.Name, Version: pz.Version, Value: value}
	}
	return dep, nil
}

func (h *nodeHost) GetRequiredPackages(ctx context.Context,
	req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := findPulumiPackages(programDir(req.Info, ""))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

//nolint:staticcheck // deprecated RPC kept for older engines
func (h *nodeHost) GetRequiredPlugins(ctx context.Context,
	req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := findPulumiPackages(programDir(req.Info, req.Pwd))
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, p := range pkgs {
		if p.Parameterization == nil {
			plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
		}
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// Run executes the user's program with @pulumi/pulumi/cmd/run.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	dir := programDir(req.Info, req.Pwd)
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	runPath, err = locateModule(ctx, nodeBin, runPath, dir, "pulumi install")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(req.Info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// Config is passed in the legacy "<namespace>:config:<name>" form, which
	// every @pulumi/pulumi version understands.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		pk, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
		}
		cfg[pk.Namespace()+":config:"+pk.Name()] = v
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	if req.Info != nil {
		add("root-directory", req.Info.RootDirectory)
	}
	add("stack", req.GetStack())
	add("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	entry := "."
	if req.Info != nil && req.Info.EntryPoint != "" {
		entry = req.Info.EntryPoint
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	env = append(env, opts.env()...)

	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, nodeBin, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	// Node may switch its stdio to non-blocking mode; wrapping the writers
	// makes exec copy through a pipe instead of sharing our descriptors.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	cmd.Env = env
	logging.V(5).Infof("govnet langhost running: %s %s", nodeBin, strings.Join(args, " "))

	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			switch code := ee.ExitCode(); code {
			case exitedAfterUserActionableMessage:
				return &pulumirpc.RunResponse{Bail: true}, nil
			case 0:
				return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + ee.Error()}, nil
			default:
				return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
			}
		}
		return &pulumirpc.RunResponse{
			Error: "Problem executing program (could not run language executor): " + err.Error(),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a plugin written in Node.js: policy packs (kind "analyzer")
// via @pulumi/pulumi/cmd/run-policy-pack, anything else via cmd/run-plugin.
func (h *nodeHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	opts, err := parseOptions(req.Info)
	if err != nil {
		return err
	}
	dir := programDir(req.Info, req.Pwd)
	isPolicy := req.Kind == string(apitype.AnalyzerPlugin)

	runPath := "@pulumi/pulumi/cmd/run-policy-pack"
	if !isPolicy {
		runPath = os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
		if runPath == "" {
			runPath = "@pulumi/pulumi/cmd/run-plugin"
		}
	}
	runPath, err = locateModule(ctx, nodeBin, runPath, dir, "npm install in "+dir)
	if err != nil {
		return err
	}

	env := append(append([]string{}, req.Env...), opts.env()...)
	args := append(append([]string{}, opts.nodeargs...), runPath)
	if isPolicy {
		// run-policy-pack expects <engine-address> <policy-pack-dir>.
		args = append(args, req.Args...)
		args = append(args, dir)
	} else {
		args = append(args, dir)
		args = append(args, req.Args...)
	}

	// For policy packs, answer the engine's Handshake/ConfigureStack ourselves
	// (so stack config can be passed as environment), then proxy everything
	// else to the real policy pack process.
	var proxy *sdk.PolicyProxy
	if isPolicy {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stackCfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stackCfg != nil {
			addEnv := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			addEnv("PULUMI_NODEJS_ORGANIZATION", stackCfg.Organization)
			addEnv("PULUMI_NODEJS_PROJECT", stackCfg.Project)
			addEnv("PULUMI_NODEJS_STACK", stackCfg.Stack)
			addEnv("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackCfg.DryRun))
			if stackCfg.Config != nil {
				b, err := json.Marshal(stackCfg.Config)
				if err != nil {
					return fmt.Errorf("could not marshal stack configuration: %w", err)
				}
				addEnv("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	if isPolicy {
		// Policy packs historically run with the pack directory as cwd.
		cmd.Dir = dir
	} else {
		cmd.Dir = req.Pwd
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("govnet langhost running plugin: %s %s", nodeBin, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// InstallDependencies runs npm/yarn/pnpm install (per Pulumi.yaml's
// packagemanager option, or auto-detected from lock files).
func (h *nodeHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := parseOptions(req.Info)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := programDir(req.Info, req.Directory)
	name, err := npm.Install(server.Context(), opts.packagemanager, dir, false, stdout, stderr)
	if err != nil {
		return fmt.Errorf("%s install failed: %w", name, err)
	}
	return closer.Close()
}

func (h *nodeHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("failed to get node version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"langhost": "govnet-minimal"},
	}, nil
}

func (h *nodeHost) GetProgramDependencies(ctx context.Context,
	req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := parseOptions(req.Info)
	if err != nil {
		return nil, err
	}
	dir := programDir(req.Info, req.Pwd)
	pm, err := npm.ResolvePackageManager(opts.packagemanager, dir)
	if err != nil {
		return nil, err
	}
	deps, err := pm.ListPackages(ctx, dir, req.TransitiveDependencies)
	if err != nil {
		return nil, err
	}
	out := make([]*pulumirpc.DependencyInfo, 0, len(deps))
	for _, d := range deps {
		out = append(out, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: out}, nil
}
EOF_GO
}

# --- 1. resolve the release from the module proxy ------------------------------
step_begin "downloading $PKG_MOD@$PULUMI_VERSION and $SDK_MOD@$PULUMI_VERSION metadata"
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
if [[ -z "$RELEASE_COMMIT" ]]; then
  RELEASE_COMMIT=$PINNED_RELEASE_COMMIT
  log "release commit: $RELEASE_COMMIT (pinned; the proxy reported no VCS origin)"
else
  log "release commit: $RELEASE_COMMIT (from the module proxy's origin info)"
fi
mapfile -t PKG_REPLACES < <(nonlocal_replaces "$PKG_GOMOD")
log "replace directives carried over from pkg/go.mod: ${PKG_REPLACES[*]:-none}"
step_end "module metadata"

# --- 2. the official Node.js language host, if the proxy serves it -------------
LANGHOST_KIND=minimal
LANGHOST_VERSION=""
LANGHOST_REPLACES=()
if [[ "$LANGHOST_MODE" != minimal ]]; then
  step_begin "resolving $LANGHOST_MOD at the $PULUMI_VERSION release"
  # The module is not tagged separately: ask for the tag name, then the commit.
  for query in "$PULUMI_VERSION" "$RELEASE_COMMIT"; do
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
    log "WARNING: language host embedded in this script instead (run/preview/up/destroy, dynamic providers, policy packs)"
  fi
  step_end "language host resolution"
fi

# --- 3. generate the wrapper module ---------------------------------------------
step_begin "generating wrapper module in $MODDIR"
cd "$MODDIR"
go mod init govnet.local/pulumi-engine >/dev/null 2>&1
edits=(-require="$PKG_MOD@$PULUMI_VERSION" -require="$SDK_MOD@$PULUMI_VERSION")
if [[ $LANGHOST_KIND == official ]]; then
  # Its go.mod replaces pkg and sdk with ../relative paths: pin them to the release.
  edits+=(-require="$LANGHOST_MOD@$LANGHOST_VERSION" "${LANGHOST_REPLACES[@]}"
          -replace="$PKG_MOD=$PKG_MOD@$PULUMI_VERSION" -replace="$SDK_MOD=$SDK_MOD@$PULUMI_VERSION")
fi
edits+=("${PKG_REPLACES[@]}")     # applied last: pkg's replaces win on conflicts
go mod edit "${edits[@]}"
{
  echo '//go:build tools'
  echo
  # shellcheck disable=SC2016  # backquotes are Go comment text
  echo '// Package tools makes `go mod tidy` keep the requirements of the binaries we build.'
  echo 'package tools'
  echo
  echo "import _ \"$CLI_PKG\""
  [[ $LANGHOST_KIND == official ]] && echo "import _ \"$LANGHOST_MOD\""
} >tools.go
if [[ $LANGHOST_KIND == minimal ]]; then
  mkdir -p langhost
  write_minimal_langhost langhost/main.go
fi
go mod tidy >&2
step_end "wrapper module"

# --- 4. build -------------------------------------------------------------------
step_begin "building pulumi (first build: 5-30 min on 2 cores; later builds hit the Go build cache)"
go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi" "$CLI_PKG" >&2
step_end "pulumi built"

step_begin "building pulumi-language-nodejs ($LANGHOST_KIND)"
if [[ $LANGHOST_KIND == official ]]; then
  go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi-language-nodejs" "$LANGHOST_MOD" >&2
else
  go build -trimpath -ldflags "$VERSION_LDFLAG" -o "$STAGE/pulumi-language-nodejs" ./langhost >&2
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
release_commit=$RELEASE_COMMIT
langhost=$LANGHOST_KIND
langhost_module_version=${LANGHOST_VERSION:-n/a}
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
