/**
 * Fixtures for the provisioning tests: the real baseline data, a region and tenants per level, and
 * the compiled stack modules. Pulumi code is loaded from dist/ with Node's own require, never
 * through vitest's transform, so dynamic-provider closures serialize as the engine will see them.
 */
import {createRequire} from 'node:module'
import path from 'node:path'

import {BaselineControl, controlsByLevel} from '../../src/domain/mlps'
import {RegionFields} from '../../src/domain/regions'
import {readBaselineDocuments} from '../../src/inventory/baselines'
import {repoRoot} from './cli'

/** Node's require rooted at dist/ (build first: `npx tsc -p .`). */
export const requireDist = createRequire(path.join(repoRoot, 'dist', 'index.js'))

export function baselineControls(): BaselineControl[] {
  return readBaselineDocuments().documents.flatMap(controlsByLevel)
}

export function regionFixture(overrides: Partial<RegionFields> = {}): RegionFields {
  return {
    id: 'gz-1',
    name: '广州政务云一区',
    pools: ['10.20.0.0/20'],
    extranetRanges: ['59.255.0.0/16', '10.100.0.0/16'],
    capacityVcpu: 1000,
    capacityRamGib: 4096,
    capacityStorageGib: 100_000,
    maxMlpsLevel: 4,
    externalNetwork: 'ext-net-extranet',
    ...overrides,
  }
}

export interface TenantFixture {
  id: string
  name: string
  departmentName: string
  departmentUscc: string
  region: string
  mlpsLevel: number
  exposure: 'extranet' | 'internet' | 'both'
  quotaVcpu: number
  quotaRamGib: number
  quotaStorageGib: number
  cidr: string | null
  classified?: boolean
}

export function tenantFixture(level: number, overrides: Partial<TenantFixture> = {}): TenantFixture {
  return {
    id: `t-l${level}`,
    name: `系统 L${level}`,
    departmentName: '广州市政务服务数据管理局',
    departmentUscc: '91430111MA4L41YT1U',
    region: 'gz-1',
    mlpsLevel: level,
    exposure: 'extranet',
    quotaVcpu: 16,
    quotaRamGib: 64,
    quotaStorageGib: 500,
    cidr: null,
    ...overrides,
  }
}
