import {batchArgs, batchFlags, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantDestroy extends ProvisionCommand {
  static args = batchArgs
  static description =
    "Destroy the tenant's stack: its subnets are released, its quota returned to the region, its rule set removed (and, on openstack, its cloud resources deleted). The status becomes decommissioned. With a selection instead of an id, a batch with a summary, as `tenant up`."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
    '<%= config.bin %> <%= command.id %> --under 4419 --status failed',
  ]
  static flags = {...provisionFlags, ...batchFlags}
  static summary = "Destroy a tenant's resources"
  protected readonly operation = 'destroy'
}
