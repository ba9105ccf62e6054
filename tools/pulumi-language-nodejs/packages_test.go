package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type found struct{ name, version, server, param string }

func summary(deps []*pulumirpc.PackageDependency) []found {
	var out []found
	for _, d := range deps {
		f := found{d.Name, d.Version, d.Server, ""}
		if d.Kind != "resource" {
			f.name += " (kind " + d.Kind + ")"
		}
		if p := d.Parameterization; p != nil {
			f.param = p.Name + "@" + p.Version + "=" + string(p.Value)
		}
		out = append(out, f)
	}
	return out
}

// A workspace: packages hoisted to root/node_modules, the program in root/app with its own.
func workspace(t *testing.T) (root, app string) {
	root = t.TempDir()
	app = filepath.Join(root, "app")
	nm := filepath.Join("app", "node_modules")
	writeFile(t, root, filepath.Join(nm, "@pulumi", "random", "package.json"),
		`{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`)
	writeFile(t, root, filepath.Join(nm, "third", "package.json"),
		`{"name": "third", "version": "1.0.0", "pulumi": {"resource": true, "name": "thirdp", "version": "1.2.0", "server": "https://plugins.example/"}}`)
	// Nested below a package, and a package that is no plugin.
	writeFile(t, root, filepath.Join(nm, "third", "node_modules", "@pulumi", "tls", "package.json"),
		`{"name": "@pulumi/tls", "version": "v5.0.0", "pulumi": {"resource": true}}`)
	writeFile(t, root, filepath.Join(nm, "left-pad", "package.json"), `{"name": "left-pad", "version": "1.3.0"}`)
	writeFile(t, root, filepath.Join(nm, "not-a-plugin", "package.json"),
		`{"name": "not-a-plugin", "version": "1.0.0", "pulumi": {"resource": false}}`)
	writeFile(t, root, filepath.Join(nm, "broken-json", "package.json"), `{"name": `)
	writeFile(t, root, filepath.Join(nm, ".cache", "x", "package.json"),
		`{"name": "@pulumi/hidden", "version": "1.0.0", "pulumi": {"resource": true}}`)
	// Parameterized: value is base64.
	writeFile(t, root, filepath.Join(nm, "@acme", "tf-aws", "package.json"),
		`{"name": "@acme/tf-aws", "version": "0.1.0", "pulumi": {"resource": true, "name": "terraform-provider", "version": "0.8.1", `+
			`"parameterization": {"name": "aws", "version": "5.0.0", "value": "eyJyZW1vdGUiOnRydWV9"}}}`)
	// Hoisted: one new, one the same name@version as in app (reported once).
	writeFile(t, root, filepath.Join("node_modules", "@pulumi", "command", "package.json"),
		`{"name": "@pulumi/command", "version": "1.0.1", "pulumi": {"resource": true}}`)
	writeFile(t, root, filepath.Join("node_modules", "@pulumi", "random", "package.json"),
		`{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`)
	return root, app
}

func TestFindPulumiPackagesInNestedScopedAndParentNodeModules(t *testing.T) {
	_, app := workspace(t)
	deps, err := findPulumiPackages(app)
	if err != nil {
		t.Fatal(err)
	}
	want := []found{
		{"terraform-provider", "v0.8.1", "", `aws@5.0.0={"remote":true}`},
		{"random", "v4.16.0", "", ""},
		{"thirdp", "v1.2.0", "https://plugins.example/", ""},
		{"tls", "v5.0.0", "", ""},
		{"command", "v1.0.1", "", ""},
	}
	if got := summary(deps); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%v\nwant\n%v", got, want)
	}
}

func TestFindPulumiPackagesVisitsALinkedPackageOnce(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, filepath.Join("node_modules", "@pulumi", "random", "package.json"),
		`{"name": "@pulumi/random", "version": "4.16.0", "pulumi": {"resource": true}}`)
	// A cycle (a package's node_modules links back to the top): the walk ends.
	nested := filepath.Join(dir, "node_modules", "@pulumi", "random", "node_modules")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "node_modules", "@pulumi"), filepath.Join(nested, "@pulumi")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "node_modules", "@pulumi", "random"), filepath.Join(dir, "node_modules", "random-link")); err != nil {
		t.Fatal(err)
	}
	deps, err := findPulumiPackages(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(deps); !reflect.DeepEqual(got, []found{{"random", "v4.16.0", "", ""}}) {
		t.Errorf("got %v", got)
	}
}

func TestFindPulumiPackagesWithoutNodeModules(t *testing.T) {
	deps, err := findPulumiPackages(t.TempDir())
	if err != nil || len(deps) != 0 {
		t.Errorf("got %v, %v", summary(deps), err)
	}
}

func TestFindPulumiPackagesNamesTheFileOfABadPlugin(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, filepath.Join("node_modules", "acme", "package.json"),
		`{"name": "acme", "version": "1.0.0", "pulumi": {"resource": true}}`)
	_, err := findPulumiPackages(dir)
	if err == nil || !strings.HasPrefix(err.Error(), bad+": missing property \"name\"") {
		t.Errorf("got %v", err)
	}
}

func TestToDependency(t *testing.T) {
	plugin := func(name, version, pName, pVersion string) packageJSON {
		var p packageJSON
		p.Name, p.Version, p.Pulumi.Resource, p.Pulumi.Name, p.Pulumi.Version = name, version, true, pName, pVersion
		return p
	}
	cases := []struct {
		name                  string
		p                     packageJSON
		wantName, wantVersion string
		wantErr               string
	}{
		{"@pulumi package", plugin("@pulumi/aws", "6.1.0", "", ""), "aws", "v6.1.0", ""},
		{"pulumi.name and pulumi.version win", plugin("@pulumi/aws", "6.1.0", "aws-native", "1.2.3"), "aws-native", "v1.2.3", ""},
		{"a leading v is kept", plugin("@pulumi/aws", "v6.1.0", "", ""), "aws", "v6.1.0", ""},
		{"third party without pulumi.name", plugin("acme", "1.0.0", "", ""), "", "",
			`missing property "name" for the third-party plugin "acme" inside the "pulumi" section`},
		{"no version", plugin("@pulumi/aws", "", "", ""), "", "", `missing expected "version" property`},
	}
	for _, c := range cases {
		dep, err := toDependency(c.p)
		if c.wantErr != "" {
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s: got error %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil || dep.Name != c.wantName || dep.Version != c.wantVersion || dep.Kind != "resource" {
			t.Errorf("%s: got %+v, %v", c.name, dep, err)
		}
	}
}

func TestToDependencyRejectsABadParameterization(t *testing.T) {
	var p packageJSON
	p.Name, p.Version, p.Pulumi.Resource = "@pulumi/x", "1.0.0", true
	p.Pulumi.Parameterization = &struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Value   string `json:"value"` // base64
	}{"x", "1.0.0", "not base64!"}
	if _, err := toDependency(p); err == nil || !strings.HasPrefix(err.Error(), "invalid parameterization value: ") {
		t.Errorf("got %v", err)
	}
}

func TestDependencyKey(t *testing.T) {
	plain := &pulumirpc.PackageDependency{Name: "random", Version: "v4.16.0"}
	param := &pulumirpc.PackageDependency{Name: "terraform-provider", Version: "v0.8.1",
		Parameterization: &pulumirpc.PackageParameterization{Name: "aws", Version: "5.0.0"}}
	if got := dependencyKey(plain); got != "random@v4.16.0" {
		t.Errorf("got %q", got)
	}
	if got := dependencyKey(param); got != "terraform-provider@v0.8.1@aws@5.0.0" {
		t.Errorf("got %q", got)
	}
}

func TestPluginsOfLeavesOutParameterizedPackages(t *testing.T) {
	_, app := workspace(t)
	deps, err := findPulumiPackages(app)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pluginsOf(deps) {
		names = append(names, p.Name+"@"+p.Version+" "+p.Kind+" "+p.Server)
	}
	want := []string{"random@v4.16.0 resource ", "thirdp@v1.2.0 resource https://plugins.example/", "tls@v5.0.0 resource ", "command@v1.0.1 resource "}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}
