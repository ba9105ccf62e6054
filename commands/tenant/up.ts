import {batchArgs, batchFlags, ProvisionCommand, provisionFlags, upFlags} from '../../src/cli/provision'

export default class TenantUp extends ProvisionCommand {
  static args = batchArgs
  static description =
    "Run the pre-flight (nothing is created when it fails), then create or update the tenant's stack with the MLPS policy pack attached (a refused stack creates nothing). The status (active, or failed with the reason), the stack outputs and the time are written back to the inventory. A stack whose inputs did not change since its last successful up is up to date and the engine is not run (--force runs it; `tenant refresh` finds drift). With a selection instead of an id, a batch: --parallel stacks at once, a summary of created / updated / unchanged / failed, exit 7 when any failed, 130 when interrupted (Ctrl-C once: start no more stacks; twice: cancel the running ones)."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --target openstack --json',
    '<%= config.bin %> <%= command.id %> --under 4604 --parallel 2',
    '<%= config.bin %> <%= command.id %> --under 44 --level 3 --status requested --status failed --json',
  ]
  static flags = {...provisionFlags, ...batchFlags, ...upFlags}
  static summary = "Create or update a tenant's resources"
  protected readonly operation = 'up'
}
