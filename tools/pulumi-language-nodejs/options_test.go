package main

import (
	"reflect"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func programInfo(t *testing.T, opts map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	s, err := structpb.NewStruct(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{Options: s}
}

func TestParseOptionsDefaultsToTypeScriptAndAutoPackageManager(t *testing.T) {
	for name, info := range map[string]*pulumirpc.ProgramInfo{
		"no program info": nil,
		"no options":      {ProgramDirectory: "/p"},
		"empty options":   programInfo(t, map[string]any{}),
	} {
		o, err := parseOptions(info)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := options{typescript: true, packagemanager: npm.AutoPackageManager}
		if !reflect.DeepEqual(o, want) {
			t.Errorf("%s: got %+v, want %+v", name, o, want)
		}
	}
}

func TestParseOptionsReadsEveryKey(t *testing.T) {
	o, err := parseOptions(programInfo(t, map[string]any{
		"typescript":     false,
		"tsconfig":       "tsconfig.prod.json",
		"nodeargs":       `--max-old-space-size=4096 --require "./hooks/a b.js"`,
		"packagemanager": "pnpm",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := options{
		typescript:     false,
		tsconfig:       "tsconfig.prod.json",
		nodeargs:       []string{"--max-old-space-size=4096", "--require", "./hooks/a b.js"},
		packagemanager: npm.PackageManagerType("pnpm"),
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v, want %+v", o, want)
	}
}

func TestParseOptionsRejectsWrongTypes(t *testing.T) {
	cases := map[string]struct {
		value any
		want  string
	}{
		"typescript":     {"yes", "typescript option must be a boolean"},
		"tsconfig":       {true, "tsconfig option must be a string"},
		"nodeargs":       {12.0, "nodeargs option must be a string"},
		"packagemanager": {false, "packagemanager option must be a string"},
	}
	for key, c := range cases {
		_, err := parseOptions(programInfo(t, map[string]any{key: c.value}))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s=%v: got error %v, want %q", key, c.value, err, c.want)
		}
	}
}

func TestParseOptionsRejectsUnbalancedNodeargs(t *testing.T) {
	if _, err := parseOptions(programInfo(t, map[string]any{"nodeargs": `--require "unclosed`})); err == nil {
		t.Fatal("an unclosed quote in nodeargs was accepted")
	}
}

func TestOptionsEnv(t *testing.T) {
	cases := []struct {
		opts options
		want []string
	}{
		{options{typescript: true}, []string{"PULUMI_NODEJS_TYPESCRIPT=true"}},
		{options{typescript: false}, nil},
		{options{typescript: true, tsconfig: "tsconfig.prod.json"},
			[]string{"PULUMI_NODEJS_TYPESCRIPT=true", "PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.prod.json"}},
		{options{tsconfig: "t.json"}, []string{"PULUMI_NODEJS_TSCONFIG_PATH=t.json"}},
	}
	for _, c := range cases {
		if got := c.opts.env(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: got %q, want %q", c.opts, got, c.want)
		}
	}
}
