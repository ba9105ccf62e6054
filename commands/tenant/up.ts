import {provisionArgs, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantUp extends ProvisionCommand {
  static args = provisionArgs
  static description =
    "Run the pre-flight (nothing is created when it fails), then create or update the tenant's stack with the MLPS policy pack attached. The status (active, or failed with the reason), the stack outputs and the time are written back to the inventory."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
  ]
  static flags = provisionFlags
  static summary = "Create or update a tenant's resources"
  protected readonly operation = 'up'
}
