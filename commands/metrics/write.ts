import {Args, Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {parseFreshness} from '../../src/coverage'
import {judgementDay} from '../../src/domain/calendar'
import {DEFAULT_FRESHNESS} from '../../src/domain/coverage'
import {TextfileResult, writeMetricsTextfile} from '../../src/metrics'

export default class MetricsWrite extends GovnetCommand {
  static args = {
    file: Args.string({
      description: 'file to replace, e.g. /var/lib/prometheus/node-exporter/govnet.prom',
      required: true,
    }),
  }
  static description =
    "Writes the metrics that `metrics serve` exposes, in the Prometheus text format, for node_exporter's textfile collector. " +
    'The file is replaced atomically (a temporary file in the same directory, then a rename), so a scrape never sees half of it. ' +
    'Run it from a timer; alert on govnet_refresh_last_success_timestamp_seconds to notice when it stops.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> /var/lib/prometheus/node-exporter/govnet.prom']
  static flags = {
    fresh: Flags.string({
      default: DEFAULT_FRESHNESS,
      description: 'how recent a successful audit must be to verify a township: 90m, 24h, 7d …',
    }),
    today: Flags.string({
      description:
        'judge deadlines (overdue assessments, filing) as of this date, YYYY-MM-DD (default: the local date), to replay a date',
    }),
  }
  static summary = 'Write the metrics to a file for node_exporter'

  async run(): Promise<TextfileResult> {
    const {args, flags} = await this.parse(MetricsWrite)
    const freshnessMs = parseFreshness(flags.fresh)
    const today = flags.today === undefined ? undefined : judgementDay(flags.today)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const result = await writeMetricsTextfile(inventory, args.file, {freshnessMs, today})
    if (!this.jsonEnabled()) this.log(`wrote ${result.samples} samples (${result.bytes} bytes) to ${result.file}`)
    return result
  }
}
