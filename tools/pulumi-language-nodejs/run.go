package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code used by @pulumi/pulumi's cmd/run when it has already shown the
// user an actionable error message: the engine should bail without more noise.
const exitedAfterUserActionableMessage = 32

// Run executes the user's program with @pulumi/pulumi/cmd/run.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	dir := programDir(req.Info, req.Pwd)
	runPath, err := locateModule(ctx, nodeBin, entryModule(os.Getenv, runModule), dir, "pulumi install")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(req.Info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := runEnv(os.Environ(), req, opts)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := runArgs(req, opts, runPath, dir, h.engine(), h.tracing)

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

	err = cmd.Run()
	if err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
	}
	return runResponse(err), nil
}

// runArgs is node's command line for a program: the program's nodeargs, cmd/run (runPath), the
// engine's flags (empty ones left out), the entry point (Pulumi.yaml's main, else the program,
// else ".") and the program's own arguments.
func runArgs(req *pulumirpc.RunRequest, opts options, runPath, dir, engine, tracing string) []string {
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
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
	add("tracing", tracing)
	entry := "."
	if req.Info != nil && req.Info.EntryPoint != "" {
		entry = req.Info.EntryPoint
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

// runEnv is node's environment for a program: environ, then PULUMI_CONFIG (keys in the legacy
// "<namespace>:config:<name>" form, which every @pulumi/pulumi version understands),
// PULUMI_CONFIG_SECRET_KEYS (a JSON array, never null) and the options' variables.
func runEnv(environ []string, req *pulumirpc.RunRequest, opts options) ([]string, error) {
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		pk, err := config.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize configuration: %w", err)
		}
		cfg[pk.Namespace()+":config:"+pk.Name()] = v
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	// Marshalling strings cannot fail (invalid UTF-8 is replaced, not refused).
	cfgJSON, _ := json.Marshal(cfg)
	secretJSON, _ := json.Marshal(secretKeys)
	env := append(append([]string{}, environ...),
		"PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	return append(env, opts.env()...), nil
}

// runResponse maps how node ended to the engine's answer: exit 32 (cmd/run already showed an
// actionable message) bails quietly, any other exit is an error with its code, a node that could
// not be started is an error saying so.
func runResponse(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		switch code := ee.ExitCode(); code {
		case exitedAfterUserActionableMessage:
			return &pulumirpc.RunResponse{Bail: true}
		case 0:
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + ee.Error()}
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
		}
	}
	return &pulumirpc.RunResponse{
		Error: "Problem executing program (could not run language executor): " + err.Error(),
	}
}
