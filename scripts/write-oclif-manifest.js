'use strict'
/**
 * Write oclif.manifest.json from the compiled commands in dist/. Without a manifest, oclif requires
 * every command module on every run to learn the command list, so `govnet node list` also loads
 * @pulumi/pulumi, ssh2 and the rest (~1,100 modules, ~0.4 s of CPU). Run it after `tsc` in the build;
 * keep the manifest out of git, since a stale one hides new commands.
 */
const {Plugin} = require('@oclif/core')
const {writeFileSync} = require('node:fs')
const path = require('node:path')

async function main() {
  const root = path.resolve(__dirname, '..')
  const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  writeFileSync(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest)}\n`)
  process.stdout.write(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`)
}

main().catch((error) => {
  process.stderr.write(`cannot write oclif.manifest.json: ${error.message}\n`)
  process.exit(1)
})
