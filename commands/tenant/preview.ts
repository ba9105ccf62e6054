import {provisionArgs, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantPreview extends ProvisionCommand {
  static args = provisionArgs
  static description =
    'Run the pre-flight, then show what `tenant up` would change, with the MLPS policy pack attached. Nothing is created or changed.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
  ]
  static flags = provisionFlags
  static summary = "Preview the changes to a tenant's stack"
  protected readonly operation = 'preview'
}
