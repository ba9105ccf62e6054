'use strict'
/**
 * One soak writer (a separate process): adds nodes one transaction at a time through govnet's own
 * repositories (dist/), printing each id only after its commit returned: an acknowledged write.
 *   node writer.js DB PREFIX COUNT DEADLINE_MS
 */
const path = require('node:path')
const dist = path.resolve(__dirname, '..', '..', 'dist', 'src')
const {Inventory} = require(path.join(dist, 'inventory', 'db'))
const {NodeRepository} = require(path.join(dist, 'inventory', 'nodes'))

const [db, prefix, count, deadline] = process.argv.slice(2)
const inventory = Inventory.open(db, {actor: `soak-${prefix}`})
const nodes = new NodeRepository(inventory)
for (let i = 0; i < Number(count) && Date.now() < Number(deadline); i++) {
  const id = `${prefix}-${i}`
  nodes.add({
    id,
    name: `soak ${id}`,
    division: '4401',
    role: 'core',
    mgmt_address: `${id}.soak.gov.example`,
    platform: 'linux',
  })
  process.stdout.write(`${id}\n`)
}
inventory.close()
