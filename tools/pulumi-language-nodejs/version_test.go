package main

import (
	"encoding/json"
	"os"
	"testing"

	"golang.org/x/mod/modfile"
)

// The Pulumi version has one home, package.json's @pulumi/pulumi; this module must build
// that release (scripts/pulumi-engine.sh checks the same before it builds).
func TestGoModRequiresThePulumiReleaseOfPackageJSON(t *testing.T) {
	b, err := os.ReadFile("../../package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	want := "v" + pkg.Dependencies["@pulumi/pulumi"]
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]string{}
	for _, r := range f.Require {
		required[r.Mod.Path] = r.Mod.Version
	}
	for _, mod := range []string{"github.com/pulumi/pulumi/sdk/v3", "github.com/pulumi/pulumi/pkg/v3"} {
		if required[mod] != want {
			t.Errorf("go.mod requires %s %q, package.json's @pulumi/pulumi is %s: run go get %s@%s", mod, required[mod], want, mod, want)
		}
	}
	if len(f.Tool) != 1 || f.Tool[0].Path != "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" {
		t.Errorf("go.mod's tool is %v, want the pulumi CLI", f.Tool)
	}
}
