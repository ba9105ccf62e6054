import {batchArgs, batchFlags, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantRefresh extends ProvisionCommand {
  static args = batchArgs
  static description =
    "Read back every resource of the tenant's stack (allocations in the inventory, cloud resources) and update the stack's state to match."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
  ]
  static flags = {...provisionFlags, ...batchFlags}
  static summary = "Refresh a tenant's stack from what exists"
  protected readonly operation = 'refresh'
}
