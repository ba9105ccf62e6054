package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

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
	isPolicy := isPolicyPack(req)
	runPath, err := locateModule(ctx, nodeBin, pluginModule(isPolicy, os.Getenv), dir, "npm install in "+dir)
	if err != nil {
		return err
	}
	env := pluginEnv(req, opts)
	args := pluginArgs(req, opts, runPath, dir, isPolicy)

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
		stackEnv, err := policyStackEnv(stackCfg)
		if err != nil {
			return err
		}
		env = append(env, stackEnv...)
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = pluginWorkDir(req, dir, isPolicy)
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
	} else if err := pluginExitError(cmd.Wait()); err != nil {
		return err
	}
	return closer.Close()
}

// isPolicyPack tells policy packs (kind "analyzer") from other plugins.
func isPolicyPack(req *pulumirpc.RunPluginRequest) bool {
	return req.Kind == string(apitype.AnalyzerPlugin)
}

// pluginModule is the SDK entry point for a plugin: cmd/run-policy-pack for policy packs (never
// overridden), else cmd/run-plugin or $PULUMI_LANGUAGE_NODEJS_RUN_PATH.
func pluginModule(isPolicy bool, getenv func(string) string) string {
	if isPolicy {
		return runPolicyModule
	}
	return entryModule(getenv, runPluginModule)
}

// pluginArgs is node's command line for a plugin: nodeargs, the entry point, then for a policy
// pack the engine's arguments (its address) and the pack directory, as run-policy-pack expects
// `<engine-address> <policy-pack-dir>`; for other plugins the directory, then the arguments.
func pluginArgs(req *pulumirpc.RunPluginRequest, opts options, runPath, dir string, isPolicy bool) []string {
	args := append(append([]string{}, opts.nodeargs...), runPath)
	if isPolicy {
		args = append(args, req.Args...)
		return append(args, dir)
	}
	args = append(args, dir)
	return append(args, req.Args...)
}

// pluginEnv is the plugin's environment: only what the engine sent, plus the options' variables
// (for policy packs, policyStackEnv adds the stack's).
func pluginEnv(req *pulumirpc.RunPluginRequest, opts options) []string {
	return append(append([]string{}, req.Env...), opts.env()...)
}

// pluginWorkDir: policy packs historically run in the pack directory, other plugins in the
// engine's working directory.
func pluginWorkDir(req *pulumirpc.RunPluginRequest, dir string, isPolicy bool) string {
	if isPolicy {
		return dir
	}
	return req.Pwd
}

// policyStackEnv passes the stack a policy pack checks (from the engine's ConfigureStack) as the
// PULUMI_NODEJS_* variables and PULUMI_CONFIG that run-policy-pack reads; empty values are left
// out, and nothing when the engine sent no stack.
func policyStackEnv(cfg *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if cfg == nil {
		return nil, nil
	}
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", cfg.Organization)
	add("PULUMI_NODEJS_PROJECT", cfg.Project)
	add("PULUMI_NODEJS_STACK", cfg.Stack)
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(cfg.DryRun))
	if cfg.Config != nil {
		b, err := json.Marshal(cfg.Config)
		if err != nil {
			return nil, fmt.Errorf("could not marshal stack configuration: %w", err)
		}
		add("PULUMI_CONFIG", string(b))
	}
	return env, nil
}

// pluginExitError maps how a (non-policy) plugin ended: a non-zero exit becomes an error with its
// code, other wait errors pass through, a clean exit is nil.
func pluginExitError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
	}
	return err
}
