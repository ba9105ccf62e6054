package main

import (
	"reflect"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func getenvOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestIsPolicyPack(t *testing.T) {
	for kind, want := range map[string]bool{"analyzer": true, "resource": false, "tool": false, "": false} {
		if got := isPolicyPack(&pulumirpc.RunPluginRequest{Kind: kind}); got != want {
			t.Errorf("kind %q: %v, want %v", kind, got, want)
		}
	}
}

func TestPluginModule(t *testing.T) {
	override := getenvOf(map[string]string{"PULUMI_LANGUAGE_NODEJS_RUN_PATH": "/dev/run.js"})
	none := getenvOf(nil)
	cases := []struct {
		policy bool
		getenv func(string) string
		want   string
	}{
		{true, none, "@pulumi/pulumi/cmd/run-policy-pack"},
		{true, override, "@pulumi/pulumi/cmd/run-policy-pack"}, // the override is for programs and plugins only
		{false, none, "@pulumi/pulumi/cmd/run-plugin"},
		{false, override, "/dev/run.js"},
	}
	for _, c := range cases {
		if got := pluginModule(c.policy, c.getenv); got != c.want {
			t.Errorf("policy=%v: %q, want %q", c.policy, got, c.want)
		}
	}
}

func TestPluginArgsForAPolicyPack(t *testing.T) {
	req := &pulumirpc.RunPluginRequest{Kind: "analyzer", Args: []string{"127.0.0.1:4000"}}
	got := pluginArgs(req, options{nodeargs: []string{"--no-warnings"}}, "/pack/node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js", "/pack", true)
	// run-policy-pack expects <engine-address> <policy-pack-dir>.
	want := []string{"--no-warnings", "/pack/node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js", "127.0.0.1:4000", "/pack"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPluginArgsForOtherPlugins(t *testing.T) {
	req := &pulumirpc.RunPluginRequest{Kind: "resource", Args: []string{"--port", "0"}}
	got := pluginArgs(req, options{}, "run-plugin.js", "/plugin", false)
	want := []string{"run-plugin.js", "/plugin", "--port", "0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPluginEnvIsOnlyWhatTheEngineSent(t *testing.T) {
	t.Setenv("GOVNET_HOST_TEST_SENTINEL", "must-not-leak")
	req := &pulumirpc.RunPluginRequest{Env: []string{"PATH=/usr/bin", "PULUMI_HOME=/h"}}
	got := pluginEnv(req, options{typescript: true})
	want := []string{"PATH=/usr/bin", "PULUMI_HOME=/h", "PULUMI_NODEJS_TYPESCRIPT=true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(req.Env) != 2 {
		t.Errorf("the request's environment was changed: %q", req.Env)
	}
}

func TestPluginWorkDir(t *testing.T) {
	req := &pulumirpc.RunPluginRequest{Pwd: "/engine/cwd"}
	if got := pluginWorkDir(req, "/pack", true); got != "/pack" {
		t.Errorf("policy pack runs in %q, want the pack directory", got)
	}
	if got := pluginWorkDir(req, "/plugin", false); got != "/engine/cwd" {
		t.Errorf("plugin runs in %q, want the engine's working directory", got)
	}
}

func TestPolicyStackEnv(t *testing.T) {
	got, err := policyStackEnv(&pulumirpc.AnalyzerStackConfigureRequest{
		Organization: "gov",
		Project:      "tenant",
		Stack:        "t-001",
		DryRun:       true,
		Config:       map[string]string{"tenant:level": "3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"PULUMI_NODEJS_ORGANIZATION=gov",
		"PULUMI_NODEJS_PROJECT=tenant",
		"PULUMI_NODEJS_STACK=t-001",
		"PULUMI_NODEJS_DRY_RUN=true",
		`PULUMI_CONFIG={"tenant:level":"3"}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPolicyStackEnvLeavesOutWhatIsEmpty(t *testing.T) {
	got, err := policyStackEnv(&pulumirpc.AnalyzerStackConfigureRequest{Stack: "s"})
	if err != nil {
		t.Fatal(err)
	}
	// DRY_RUN is always set; PULUMI_CONFIG only with a config map.
	want := []string{"PULUMI_NODEJS_STACK=s", "PULUMI_NODEJS_DRY_RUN=false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, _ := policyStackEnv(nil); got != nil {
		t.Errorf("no stack from the engine gave %q", got)
	}
}

func TestPluginExitError(t *testing.T) {
	if err := pluginExitError(exitOf(t, "exit 0")); err != nil {
		t.Errorf("a clean exit gave %v", err)
	}
	for script, want := range map[string]string{
		"exit 3":     "Program exited with non-zero exit code: 3",
		"exit 32":    "Program exited with non-zero exit code: 32", // no bail for plugins
		"kill -9 $$": "Program exited with non-zero exit code: -1",
	} {
		if err := pluginExitError(exitOf(t, script)); err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %q", script, err, want)
		}
	}
	missing := execMissing(t)
	if err := pluginExitError(missing); err != missing {
		t.Errorf("a start failure was rewritten: %v", err)
	}
}
