import {batchArgs, batchFlags, ProvisionCommand, provisionFlags} from '../../src/cli/provision'

export default class TenantPreview extends ProvisionCommand {
  static args = batchArgs
  static description =
    'Run the pre-flight, then show what `tenant up` would change, with the MLPS policy pack attached. Nothing is created or changed. With a selection instead of an id, a batch with a summary (created / updated / unchanged: what up would do).'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
    '<%= config.bin %> <%= command.id %> --region hi-1 --parallel 2',
  ]
  static flags = {...provisionFlags, ...batchFlags}
  static summary = "Preview the changes to a tenant's stack"
  protected readonly operation = 'preview'
}
