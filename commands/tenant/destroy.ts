import {provisionArgs, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantDestroy extends ProvisionCommand {
  static args = provisionArgs
  static description =
    "Destroy the tenant's stack: its subnets are released, its quota returned to the region, its rule set removed (and, on openstack, its cloud resources deleted). The status becomes decommissioned."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
  ]
  static flags = provisionFlags
  static summary = "Destroy a tenant's resources"
  protected readonly operation = 'destroy'
}
