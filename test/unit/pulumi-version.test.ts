import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {dependencyVersion, packageRoot} from '../../src/paths'
import {PULUMI_VERSION, engineCacheBin} from '../../src/provision/engine'

describe('the Pulumi version (one home: package.json)', () => {
  it("is package.json's exact @pulumi/pulumi, the SDK that is installed", () => {
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    const manifest = read(path.join(packageRoot, 'package.json')) as {dependencies: Record<string, string>}
    expect(PULUMI_VERSION).toBe(manifest.dependencies['@pulumi/pulumi'])
    expect(PULUMI_VERSION).toBe(read(require.resolve('@pulumi/pulumi/package.json')).version)
  })

  it('names the default engine cache after it', () => {
    expect(engineCacheBin({})).toMatch(new RegExp(`/\\.cache/govnet/pulumi-v${PULUMI_VERSION}/bin$`))
  })

  it('refuses a range or a missing dependency', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govnet-version-'))
    try {
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({dependencies: {'@pulumi/pulumi': '^3.0.0'}}))
      expect(() => dependencyVersion('@pulumi/pulumi', dir)).toThrow(
        `${path.join(dir, 'package.json')} pins no exact version of @pulumi/pulumi (got ^3.0.0)`,
      )
      expect(() => dependencyVersion('@pulumi/policy', dir)).toThrow(
        'pins no exact version of @pulumi/policy (got undefined)',
      )
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
