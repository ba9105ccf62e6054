package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// maxNodeModulesDepth bounds the walk through nested node_modules.
const maxNodeModulesDepth = 32

// packageJSON holds the fields of a package.json that describe a Pulumi
// resource plugin ("pulumi": {"resource": true, ...}).
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   string `json:"value"` // base64
		} `json:"parameterization"`
	} `json:"pulumi"`
}

// findPulumiPackages walks node_modules (including nested ones and scoped
// packages) below dir and its parents (workspaces, hoisted installs) and returns
// the Pulumi resource plugins they declare, each once, in the order found.
func findPulumiPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	seen := map[string]bool{}   // real paths already visited
	dedupe := map[string]bool{} // name@version[@param]
	var out []*pulumirpc.PackageDependency

	var visitNodeModules func(nm string, depth int) error
	visitPackage := func(pkgDir string, depth int) error {
		real, err := filepath.EvalSymlinks(pkgDir)
		if err != nil || seen[real] {
			return nil
		}
		seen[real] = true
		if b, err := os.ReadFile(filepath.Join(pkgDir, "package.json")); err == nil {
			var p packageJSON
			if json.Unmarshal(b, &p) == nil && p.Pulumi.Resource {
				dep, err := toDependency(p)
				if err != nil {
					return fmt.Errorf("%s: %w", filepath.Join(pkgDir, "package.json"), err)
				}
				key := dependencyKey(dep)
				if !dedupe[key] {
					dedupe[key] = true
					out = append(out, dep)
				}
			}
		}
		return visitNodeModules(filepath.Join(pkgDir, "node_modules"), depth+1)
	}
	visitNodeModules = func(nm string, depth int) error {
		if depth > maxNodeModulesDepth {
			return nil
		}
		entries, err := os.ReadDir(nm)
		if err != nil {
			return nil // no node_modules here
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			p := filepath.Join(nm, name)
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(p)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					if err := visitPackage(filepath.Join(p, s.Name()), depth); err != nil {
						return err
					}
				}
				continue
			}
			if err := visitPackage(p, depth); err != nil {
				return err
			}
		}
		return nil
	}
	for d := dir; ; {
		if err := visitNodeModules(filepath.Join(d, "node_modules"), 0); err != nil {
			return nil, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return out, nil
}

// dependencyKey identifies a plugin for de-duplication: name@version, plus the
// parameterization's name and version when it has one.
func dependencyKey(dep *pulumirpc.PackageDependency) string {
	key := dep.Name + "@" + dep.Version
	if dep.Parameterization != nil {
		key += "@" + dep.Parameterization.Name + "@" + dep.Parameterization.Version
	}
	return key
}

// toDependency reads the plugin a package declares: its name (pulumi.name, else the
// @pulumi/ package's own name), its version (pulumi.version, else the package's,
// always with a leading v), server and base64 parameterization.
func toDependency(p packageJSON) (*pulumirpc.PackageDependency, error) {
	name := p.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(p.Name, "@pulumi/") {
			return nil, fmt.Errorf("missing property \"name\" for the third-party plugin %q inside the \"pulumi\" section", p.Name)
		}
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	ver := p.Pulumi.Version
	if ver == "" {
		ver = p.Version
	}
	if ver == "" {
		return nil, errors.New("missing expected \"version\" property")
	}
	if !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: string(apitype.ResourcePlugin), Version: ver, Server: p.Pulumi.Server}
	if pz := p.Pulumi.Parameterization; pz != nil {
		value, err := base64.StdEncoding.DecodeString(pz.Value)
		if err != nil {
			return nil, fmt.Errorf("invalid parameterization value: %w", err)
		}
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: pz.Name, Version: pz.Version, Value: value}
	}
	return dep, nil
}

// pluginsOf is what the deprecated GetRequiredPlugins answers: the packages without a
// parameterization (a parameterized package is not a plugin of its own).
func pluginsOf(pkgs []*pulumirpc.PackageDependency) []*pulumirpc.PluginDependency {
	var plugins []*pulumirpc.PluginDependency
	for _, p := range pkgs {
		if p.Parameterization == nil {
			plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
		}
	}
	return plugins
}
