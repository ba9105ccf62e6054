package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// A fake @pulumi/pulumi/cmd/run: it records its command line, working directory and the
// variables the host sets in $GOVNET_HOST_TEST_OUT, then exits with $GOVNET_HOST_TEST_EXIT,
// or waits (bounded) with GOVNET_HOST_TEST_WAIT=1.
const recordingRun = `
const fs = require("fs");
const keep = ["PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "PULUMI_NODEJS_TYPESCRIPT", "PULUMI_NODEJS_TSCONFIG_PATH", "GOVNET_HOST_TEST_SENTINEL"];
const env = Object.fromEntries(keep.filter((k) => k in process.env).map((k) => [k, process.env[k]]));
fs.writeFileSync(process.env.GOVNET_HOST_TEST_OUT, JSON.stringify({argv: process.argv.slice(2), cwd: process.cwd(), env}));
if (process.env.GOVNET_HOST_TEST_WAIT === "1") setTimeout(() => process.exit(0), 60000);
else process.exit(Number(process.env.GOVNET_HOST_TEST_EXIT || 0));
`

// A fake cmd/run-plugin: it writes the same record to stdout (the plugin stream) and exits with its
// first argument after the directory.
const recordingPlugin = `
const keep = ["PLUGIN_VAR", "PULUMI_NODEJS_TYPESCRIPT", "GOVNET_HOST_TEST_SENTINEL"];
const env = Object.fromEntries(keep.filter((k) => k in process.env).map((k) => [k, process.env[k]]));
process.stdout.write(JSON.stringify({argv: process.argv.slice(2), cwd: process.cwd(), env}));
process.exit(Number(process.argv[3] || 0));
`

type record struct {
	Argv []string          `json:"argv"`
	Cwd  string            `json:"cwd"`
	Env  map[string]string `json:"env"`
}

// serve starts the host's gRPC server on loopback, as main does, and returns a client.
func serve(t *testing.T, host *nodeHost) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(handle.Port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		close(cancel)
		<-handle.Done
	})
	return pulumirpc.NewLanguageRuntimeClient(conn)
}

func withDeadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func readRecord(t *testing.T, file string) record {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the program did not run: %v", err)
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return r
}

func TestRunStartsTheProgramsOwnCmdRunWithTheEnginesFlags(t *testing.T) {
	nodeOnPath(t)
	dir := fakeSDK(t, map[string]string{"cmd/run": recordingRun})
	out := filepath.Join(t.TempDir(), "record.json")
	t.Setenv("GOVNET_HOST_TEST_OUT", out)
	t.Setenv("GOVNET_HOST_TEST_SENTINEL", "inherited")
	client := serve(t, newNodeHost("127.0.0.1:1", ""))
	ctx := withDeadline(t)

	// The engine's Handshake replaces the address given on the command line.
	if _, err := client.Handshake(ctx, &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:4000"}); err != nil {
		t.Fatal(err)
	}
	resp, err := client.Run(ctx, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:4001",
		Project:        "tenant",
		Stack:          "t-001",
		DryRun:         true,
		Parallel:       4,
		Config:         map[string]string{"tenant:level": "3"},
		Info:           &pulumirpc.ProgramInfo{ProgramDirectory: dir, RootDirectory: dir, EntryPoint: "index.js"},
	})
	if err != nil || resp.Error != "" || resp.Bail {
		t.Fatalf("Run: %+v, %v", resp, err)
	}
	r := readRecord(t, out)
	want := []string{
		"--monitor", "127.0.0.1:4001", "--engine", "127.0.0.1:4000", "--project", "tenant",
		"--root-directory", dir, "--stack", "t-001", "--pwd", dir, "--dry-run", "--parallel", "4", "index.js",
	}
	if !reflect.DeepEqual(r.Argv, want) {
		t.Errorf("argv %q, want %q", r.Argv, want)
	}
	wantEnv := map[string]string{
		"PULUMI_CONFIG":             `{"tenant:config:level":"3"}`,
		"PULUMI_CONFIG_SECRET_KEYS": "[]",
		"PULUMI_NODEJS_TYPESCRIPT":  "true",
		"GOVNET_HOST_TEST_SENTINEL": "inherited", // programs get the host's environment
	}
	if !reflect.DeepEqual(r.Env, wantEnv) {
		t.Errorf("env %v, want %v", r.Env, wantEnv)
	}
}

func TestRunReportsHowTheProgramEnded(t *testing.T) {
	nodeOnPath(t)
	dir := fakeSDK(t, map[string]string{"cmd/run": recordingRun})
	t.Setenv("GOVNET_HOST_TEST_OUT", filepath.Join(t.TempDir(), "record.json"))
	client := serve(t, newNodeHost("", ""))
	ctx := withDeadline(t)
	info := &pulumirpc.ProgramInfo{ProgramDirectory: dir}

	t.Setenv("GOVNET_HOST_TEST_EXIT", "32")
	if resp, err := client.Run(ctx, &pulumirpc.RunRequest{Info: info}); err != nil || !resp.Bail || resp.Error != "" {
		t.Errorf("exit 32: %+v, %v; want a bail", resp, err)
	}
	t.Setenv("GOVNET_HOST_TEST_EXIT", "5")
	if resp, err := client.Run(ctx, &pulumirpc.RunRequest{Info: info}); err != nil || resp.Error != "Program exited with non-zero exit code: 5" {
		t.Errorf("exit 5: %+v, %v", resp, err)
	}
	empty := t.TempDir()
	resp, err := client.Run(ctx, &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: empty}})
	if err != nil || !strings.HasPrefix(resp.Error, "It looks like the Pulumi SDK has not been installed. Have you run pulumi install?") {
		t.Errorf("no SDK: %+v, %v", resp, err)
	}
}

func TestCancelStopsARunningProgram(t *testing.T) {
	nodeOnPath(t)
	dir := fakeSDK(t, map[string]string{"cmd/run": recordingRun})
	out := filepath.Join(t.TempDir(), "record.json")
	t.Setenv("GOVNET_HOST_TEST_OUT", out)
	t.Setenv("GOVNET_HOST_TEST_WAIT", "1")
	client := serve(t, newNodeHost("", ""))
	ctx := withDeadline(t)

	done := make(chan *pulumirpc.RunResponse, 1)
	go func() {
		resp, err := client.Run(ctx, &pulumirpc.RunRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
		if err != nil {
			resp = &pulumirpc.RunResponse{Error: "rpc: " + err.Error()}
		}
		done <- resp
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(out); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not start within 30 s")
		}
	}
	if _, err := client.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	select {
	case resp := <-done:
		// SIGINT ends node by the signal: no exit code (-1).
		if resp.Error != "Program exited with non-zero exit code: -1" {
			t.Errorf("after Cancel: %+v", resp)
		}
	case <-ctx.Done():
		t.Fatal("Cancel did not stop the program")
	}
}

func TestRunPluginStartsCmdRunPluginWithOnlyTheEnginesEnvironment(t *testing.T) {
	nodeOnPath(t)
	dir := fakeSDK(t, map[string]string{"cmd/run-plugin": recordingPlugin})
	pwd := t.TempDir()
	t.Setenv("GOVNET_HOST_TEST_SENTINEL", "must-not-reach-plugins")
	client := serve(t, newNodeHost("", ""))
	ctx := withDeadline(t)

	run := func(args ...string) (string, error) {
		stream, err := client.RunPlugin(ctx, &pulumirpc.RunPluginRequest{
			Pwd:  pwd,
			Args: args,
			Env:  []string{"PATH=" + os.Getenv("PATH"), "PLUGIN_VAR=from-engine"},
			Kind: "resource",
			Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir},
		})
		if err != nil {
			return "", err
		}
		var stdout strings.Builder
		for {
			msg, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return stdout.String(), nil
			}
			if err != nil {
				return stdout.String(), err
			}
			stdout.Write(msg.GetStdout())
		}
	}
	printed, err := run("0", "--flag")
	if err != nil {
		t.Fatal(err)
	}
	var r record
	if err := json.Unmarshal([]byte(printed), &r); err != nil {
		t.Fatalf("plugin stdout %q: %v", printed, err)
	}
	if !reflect.DeepEqual(r.Argv, []string{dir, "0", "--flag"}) || r.Cwd != pwd {
		t.Errorf("argv %q in %q, want the program dir and the arguments, in the engine's working directory %q", r.Argv, r.Cwd, pwd)
	}
	if !reflect.DeepEqual(r.Env, map[string]string{"PLUGIN_VAR": "from-engine", "PULUMI_NODEJS_TYPESCRIPT": "true"}) {
		t.Errorf("env %v", r.Env)
	}

	if _, err := run("3"); err == nil || status.Convert(err).Message() != "Program exited with non-zero exit code: 3" {
		t.Errorf("exit 3: %v", err)
	}
}

func TestRequiredPackagesAndPluginsOverGRPC(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "node_modules/@pulumi/random/package.json", `{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`)
	client := serve(t, newNodeHost("", ""))
	ctx := withDeadline(t)
	pkgs, err := client.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
	if err != nil || len(pkgs.Packages) != 1 || pkgs.Packages[0].Name != "random" || pkgs.Packages[0].Version != "v4.16.0" {
		t.Errorf("GetRequiredPackages: %v, %v", pkgs, err)
	}
	//nolint:staticcheck // the deprecated RPC is still served
	plugins, err := client.GetRequiredPlugins(ctx, &pulumirpc.GetRequiredPluginsRequest{Pwd: dir})
	if err != nil || len(plugins.Plugins) != 1 || plugins.Plugins[0].Name != "random" {
		t.Errorf("GetRequiredPlugins (from Pwd): %v, %v", plugins, err)
	}
}

func TestUnsupportedCallsAreUnimplemented(t *testing.T) {
	client := serve(t, newNodeHost("", ""))
	_, err := client.GenerateProject(withDeadline(t), &pulumirpc.GenerateProjectRequest{})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("GenerateProject: %v, want Unimplemented", err)
	}
}
