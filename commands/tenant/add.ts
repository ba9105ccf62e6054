import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {renderTenant, tenantFieldFlags, tenantFieldsFromFlags} from '../../src/cli/tenants'
import {Tenant} from '../../src/domain/tenants'
import {TenantRepository} from '../../src/inventory/tenants'

export default class TenantAdd extends GovnetCommand {
  static args = {
    id: Args.string({description: 'stable id: lower-case letters, digits, . _ -', required: true}),
  }
  static description =
    'Add one government cloud tenant. Required: --name, --department, --uscc, --region, --level, --exposure, --vcpu, ' +
    '--ram-gib, --storage-gib. The USCC check character is verified; levels 1–4 only (level 5 is not hosted on a shared ' +
    'cloud) and classified (涉密) systems are refused. The status starts as requested. The creation is recorded in the change log.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-jiaotong --name 交通管理综合应用平台 --department 广东省公安厅 --uscc 114400000069381373 --region gd-gz-1 --level 3 --exposure extranet --vcpu 64 --ram-gib 256 --storage-gib 4096 --cidr 10.44.148.0/22',
  ]
  static flags = {actor: actorFlag, ...tenantFieldFlags}
  static summary = 'Add a cloud tenant'

  async run(): Promise<Tenant> {
    const {args, flags} = await this.parse(TenantAdd)
    const inventory = this.openForWrite(flags)
    const tenant = new TenantRepository(inventory).add({...tenantFieldsFromFlags(flags), id: args.id})
    if (!this.jsonEnabled()) this.log(renderTenant(tenant))
    return tenant
  }
}
