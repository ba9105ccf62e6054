package main

import (
	"errors"

	"github.com/google/shlex"

	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// options mirrors the `runtime.options` block of Pulumi.yaml for nodejs.
type options struct {
	typescript     bool
	tsconfig       string
	nodeargs       []string
	packagemanager npm.PackageManagerType
}

// parseOptions reads the runtime options of a program; absent keys keep the official host's
// defaults (TypeScript on, package manager auto-detected).
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

// env is what the options add to the environment of node (read by @pulumi/pulumi's cmd/run).
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
