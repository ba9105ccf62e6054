#!/usr/bin/env node
// The govnet CLI entry point: oclif finds the compiled commands in dist/commands.
require('@oclif/core').execute({dir: __dirname}).catch(require('@oclif/core/handle'))
