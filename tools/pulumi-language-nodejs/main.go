// Command pulumi-language-nodejs is govnet's minimal Node.js language host for the Pulumi engine.
//
// scripts/pulumi-engine.sh builds it when the official module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 cannot be fetched from the Go
// module proxy (govnet's proxy refuses it, see scripts/PULUMI-ENGINE.md). It implements the subset
// of the LanguageRuntime gRPC service that `pulumi preview/up/destroy` and policy packs need, and
// delegates the actual work to the JavaScript entry points that ship in the @pulumi/pulumi npm
// package (cmd/run, cmd/run-plugin, cmd/run-policy-pack), resolved from the program's own
// node_modules. It follows the official host's command lines and environment.
//
// Not implemented (the engine receives codes.Unimplemented): code generation
// (GenerateProject/Program/Package, used by `pulumi convert`/`package gen-sdk`), Pack, Link,
// Template, RuntimeOptionsPrompts, RunPlugin2, debugger attachment, the bun runtime and legacy
// synchronous invokes (--sync pipes).
//
// Files: main.go (flags, serving), host.go (the gRPC service and its small calls), options.go
// (Pulumi.yaml runtime options), node.go (finding node and the SDK's entry points), run.go (Run),
// plugin.go (RunPlugin), packages.go (plugin discovery in node_modules).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	runtimeName := flag.String("runtime", "nodejs", "Runtime to use (only nodejs is supported by this build)")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Bool("typescript", true, "[obsolete]")
	flag.String("root", "", "[obsolete]")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s (this govnet build only supports nodejs)", *runtimeName))
	}
	logging.InitLogging(false, 0, false)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()
	// Exit by ourselves if the engine goes away.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	host := newNodeHost(engineAddress, *tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}
