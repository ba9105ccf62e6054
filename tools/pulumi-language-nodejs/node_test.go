package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestEntryModule(t *testing.T) {
	if got := entryModule(getenvOf(nil), runModule); got != "@pulumi/pulumi/cmd/run" {
		t.Errorf("default: %q", got)
	}
	if got := entryModule(getenvOf(map[string]string{"PULUMI_LANGUAGE_NODEJS_RUN_PATH": "/dev/run"}), runModule); got != "/dev/run" {
		t.Errorf("override: %q", got)
	}
}

func TestProgramDir(t *testing.T) {
	cases := []struct {
		info     *pulumirpc.ProgramInfo
		fallback string
		want     string
	}{
		{&pulumirpc.ProgramInfo{ProgramDirectory: "/prog"}, "/pwd", "/prog"},
		{&pulumirpc.ProgramInfo{}, "/pwd", "/pwd"},
		{nil, "/pwd", "/pwd"},
		{nil, "", "."},
	}
	for _, c := range cases {
		if got := programDir(c.info, c.fallback); got != c.want {
			t.Errorf("%v, %q: %q, want %q", c.info, c.fallback, got, c.want)
		}
	}
}

func TestLocateModuleResolvesTheProgramsOwnSDK(t *testing.T) {
	node := nodeOnPath(t)
	dir := fakeSDK(t, map[string]string{"cmd/run": "", "cmd/run-plugin": ""})
	got, err := locateModule(context.Background(), node, runModule, dir, "pulumi install")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js")
	if real, _ := filepath.EvalSymlinks(want); got != want && got != real {
		t.Errorf("resolved to %q, want %q", got, want)
	}
}

func TestLocateModuleSaysHowToInstallTheSDK(t *testing.T) {
	node := nodeOnPath(t)
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(filepath.Dir(d), "node_modules", "@pulumi", "pulumi")); err == nil {
			t.Fatalf("%s has an @pulumi/pulumi above it; set TMPDIR to a directory without one", dir)
		}
	}
	_, err := locateModule(context.Background(), node, runModule, dir, "npm install in "+dir)
	want := "It looks like the Pulumi SDK has not been installed. Have you run npm install in " + dir + "?"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestLocateModulePassesOtherErrorsOn(t *testing.T) {
	node := nodeOnPath(t)
	dir := fakeSDK(t, nil)
	// An exports map that hides the entry point: node's own message, not the install hint.
	writeFile(t, dir, "node_modules/@pulumi/pulumi/package.json",
		`{"name": "@pulumi/pulumi", "version": "0.0.0-test", "exports": {"./index.js": "./index.js"}}`)
	_, err := locateModule(context.Background(), node, runModule, dir, "pulumi install")
	if err == nil || !strings.Contains(err.Error(), "ERR_PACKAGE_PATH_NOT_EXPORTED") && !strings.Contains(err.Error(), "not defined by \"exports\"") {
		t.Errorf("got %v", err)
	}
}
