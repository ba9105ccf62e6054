package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The SDK's entry points, resolved from the program's node_modules.
const (
	runModule       = "@pulumi/pulumi/cmd/run"
	runPluginModule = "@pulumi/pulumi/cmd/run-plugin"
	runPolicyModule = "@pulumi/pulumi/cmd/run-policy-pack"
	runPathOverride = "PULUMI_LANGUAGE_NODEJS_RUN_PATH" // replaces cmd/run and cmd/run-plugin, as in the official host
)

// entryModule is the module to run: $PULUMI_LANGUAGE_NODEJS_RUN_PATH when set, else def.
func entryModule(getenv func(string) string, def string) string {
	if p := getenv(runPathOverride); p != "" {
		return p
	}
	return def
}

// resolveScript is the node -e script that prints where mod resolves from the working directory;
// when the SDK is missing it says how to install it (installHint).
func resolveScript(mod, installHint string) string {
	return fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (error) { `+
		`if (error.code === "MODULE_NOT_FOUND") { console.error("It looks like the Pulumi SDK has not been installed. Have you run %s?"); } `+
		`else { console.error(error.message); } process.exit(1); }`, mod, installHint)
}

// locateModule resolves a module (e.g. "@pulumi/pulumi/cmd/run") the way node
// would from dir, so the program's own copy of @pulumi/pulumi is used.
func locateModule(ctx context.Context, nodeBin, mod, dir, installHint string) (string, error) {
	cmd := exec.CommandContext(ctx, nodeBin, "-e", resolveScript(mod, installHint))
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

// programDir is the program's directory: ProgramInfo's, else fallback, else ".".
func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.ProgramDirectory != "" {
		return info.ProgramDirectory
	}
	if fallback != "" {
		return fallback
	}
	return "."
}
