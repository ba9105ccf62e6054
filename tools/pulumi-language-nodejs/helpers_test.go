package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// writeFile writes content to dir/rel, creating the directories on the way.
func writeFile(t *testing.T, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// nodeOnPath is the real node the host runs; the tests that need it fail (never skip) without it.
func nodeOnPath(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("these tests run the real node, which is not on PATH: %v", err)
	}
	return node
}

// fakeSDK writes a program directory whose node_modules/@pulumi/pulumi has the given entry
// points (e.g. "cmd/run" -> JavaScript source), and returns the directory.
func fakeSDK(t *testing.T, entries map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	sdk := filepath.Join("node_modules", "@pulumi", "pulumi")
	writeFile(t, dir, filepath.Join(sdk, "package.json"), `{"name": "@pulumi/pulumi", "version": "0.0.0-test"}`)
	for entry, source := range entries {
		writeFile(t, dir, filepath.Join(sdk, entry, "index.js"), source)
	}
	return dir
}

// exitOf runs a shell command and returns how it ended (an *exec.ExitError for a non-zero exit).
func exitOf(t *testing.T, script string) error {
	t.Helper()
	return exec.Command("/bin/sh", "-c", script).Run()
}

// execMissing is the error of starting a program that does not exist.
func execMissing(t *testing.T) error {
	t.Helper()
	err := exec.Command(filepath.Join(t.TempDir(), "no-such-node")).Run()
	if err == nil {
		t.Fatal("a missing program started")
	}
	return err
}
