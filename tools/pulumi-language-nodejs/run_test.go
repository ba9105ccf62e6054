package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestRunArgsPassesEveryEngineFlag(t *testing.T) {
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:4001",
		Organization:   "gov",
		Project:        "tenant",
		Stack:          "t-001",
		DryRun:         true,
		Parallel:       16,
		Program:        "ignored-when-info-has-an-entry-point",
		Args:           []string{"a", "b"},
		Info:           &pulumirpc.ProgramInfo{RootDirectory: "/work/stack", EntryPoint: "dist/index.js"},
	}
	opts := options{nodeargs: []string{"--max-old-space-size=4096"}}
	got := runArgs(req, opts, "/p/node_modules/@pulumi/pulumi/cmd/run/index.js", "/work/stack/p", "127.0.0.1:4000", "http://zipkin:9411")
	want := []string{
		"--max-old-space-size=4096",
		"/p/node_modules/@pulumi/pulumi/cmd/run/index.js",
		"--monitor", "127.0.0.1:4001",
		"--engine", "127.0.0.1:4000",
		"--organization", "gov",
		"--project", "tenant",
		"--root-directory", "/work/stack",
		"--stack", "t-001",
		"--pwd", "/work/stack/p",
		"--dry-run",
		"--parallel", "16",
		"--tracing", "http://zipkin:9411",
		"dist/index.js",
		"a", "b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestRunArgsLeavesOutEmptyFlags(t *testing.T) {
	got := runArgs(&pulumirpc.RunRequest{}, options{}, "run.js", ".", "", "")
	// --parallel is always passed (0 when the engine sent none), as by the official host.
	want := []string{"run.js", "--pwd", ".", "--parallel", "0", "."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRunArgsEntryPoint(t *testing.T) {
	cases := []struct {
		name string
		req  *pulumirpc.RunRequest
		want string
	}{
		{"Pulumi.yaml main", &pulumirpc.RunRequest{Program: "prog", Info: &pulumirpc.ProgramInfo{EntryPoint: "main.js"}}, "main.js"},
		{"the program", &pulumirpc.RunRequest{Program: "prog", Info: &pulumirpc.ProgramInfo{}}, "prog"},
		{"the program without info", &pulumirpc.RunRequest{Program: "prog"}, "prog"},
		{"the directory", &pulumirpc.RunRequest{}, "."},
	}
	for _, c := range cases {
		args := runArgs(c.req, options{}, "run.js", "/d", "", "")
		if got := args[len(args)-1]; got != c.want {
			t.Errorf("%s: entry point %q, want %q", c.name, got, c.want)
		}
	}
}

func TestRunArgsDoesNotChangeTheOptions(t *testing.T) {
	nodeargs := make([]string, 1, 8) // spare capacity: an append on it would write into the caller's array
	nodeargs[0] = "--inspect"
	opts := options{nodeargs: nodeargs}
	first := runArgs(&pulumirpc.RunRequest{Stack: "one"}, opts, "run.js", ".", "", "")
	runArgs(&pulumirpc.RunRequest{Stack: "two"}, opts, "run.js", ".", "", "")
	if first[3] != "one" || len(opts.nodeargs) != 1 {
		t.Errorf("a second call changed the first command line or the options: %q, %q", first, opts.nodeargs)
	}
}

// envMap is an environment list as a map (the last value of a name wins, as for exec).
func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func TestRunEnvPassesConfigInTheLegacyForm(t *testing.T) {
	environ := []string{"PATH=/usr/bin", "HOME=/root"}
	req := &pulumirpc.RunRequest{
		Config: map[string]string{
			"tenant:level":          "3",
			"aws:config:region":     "cn-north-1",
			"tenant:passwordSecret": "s3cr3t",
		},
		ConfigSecretKeys: []string{"tenant:passwordSecret"},
	}
	env, err := runEnv(environ, req, options{typescript: true, tsconfig: "tsconfig.json"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(env[:2], environ) {
		t.Errorf("the host's environment does not come first: %q", env)
	}
	m := envMap(env)
	var cfg map[string]string
	if err := json.Unmarshal([]byte(m["PULUMI_CONFIG"]), &cfg); err != nil {
		t.Fatalf("PULUMI_CONFIG is not JSON: %q", m["PULUMI_CONFIG"])
	}
	wantCfg := map[string]string{
		"tenant:config:level":          "3",
		"aws:config:region":            "cn-north-1",
		"tenant:config:passwordSecret": "s3cr3t",
	}
	if !reflect.DeepEqual(cfg, wantCfg) {
		t.Errorf("PULUMI_CONFIG = %v, want %v", cfg, wantCfg)
	}
	if m["PULUMI_CONFIG_SECRET_KEYS"] != `["tenant:passwordSecret"]` {
		t.Errorf("PULUMI_CONFIG_SECRET_KEYS = %q", m["PULUMI_CONFIG_SECRET_KEYS"])
	}
	if m["PULUMI_NODEJS_TYPESCRIPT"] != "true" || m["PULUMI_NODEJS_TSCONFIG_PATH"] != "tsconfig.json" {
		t.Errorf("the options' variables are missing: %q", env)
	}
}

func TestRunEnvWithoutConfigSendsEmptyJSON(t *testing.T) {
	env, err := runEnv(nil, &pulumirpc.RunRequest{}, options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]"}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("got %q, want %q (never null)", env, want)
	}
}

func TestRunEnvRejectsAKeyWithoutNamespace(t *testing.T) {
	_, err := runEnv(nil, &pulumirpc.RunRequest{Config: map[string]string{"level": "3"}}, options{})
	if err == nil || !strings.HasPrefix(err.Error(), "failed to serialize configuration: could not parse level") {
		t.Errorf("got %v", err)
	}
}

func TestRunResponseMapsHowNodeEnded(t *testing.T) {
	cases := []struct {
		name   string
		script string
		want   *pulumirpc.RunResponse
	}{
		{"success", "exit 0", &pulumirpc.RunResponse{}},
		{"an actionable message was shown (32)", "exit 32", &pulumirpc.RunResponse{Bail: true}},
		{"failure", "exit 1", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 1"}},
		{"other code", "exit 7", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 7"}},
		{"killed by a signal", "kill -9 $$", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: -1"}},
	}
	for _, c := range cases {
		got := runResponse(exitOf(t, c.script))
		if got.Bail != c.want.Bail || got.Error != c.want.Error {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestRunResponseWhenNodeCannotStart(t *testing.T) {
	got := runResponse(execMissing(t))
	if !strings.HasPrefix(got.Error, "Problem executing program (could not run language executor): ") || got.Bail {
		t.Errorf("got %+v", got)
	}
}
