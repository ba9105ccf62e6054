import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {durationFlag, freshFlag, REFRESH_RULE} from '../../src/cli/flags'
import {judgementDay} from '../../src/domain/calendar'
import {DEFAULT_LISTEN, DEFAULT_REFRESH, parseListenAddress, parseMaxConnections} from '../../src/metrics/options'
import {startMetricsService} from '../../src/metrics/serve'
import {DEFAULT_MAX_CONNECTIONS} from '../../src/metrics/server'

export default class MetricsServe extends GovnetCommand {
  static description =
    'Serves /metrics (Prometheus text format, or OpenMetrics when the scraper asks for it), /healthz and the coverage ' +
    'report of `govnet report coverage` at /report/coverage.html from a read-only ' +
    'connection. The inventory is read once per --refresh interval, never per scrape; when a refresh fails the last good ' +
    'values stay, with govnet_refresh_success 0. With --web.config.file (the web configuration format of every Prometheus ' +
    'exporter) it serves over TLS, with client certificates and/or basic auth; the file is re-read on every request. ' +
    'Stops cleanly on SIGTERM or SIGINT.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --listen :10360 --refresh 1m --db /var/lib/govnet/govnet.db',
    '<%= config.bin %> <%= command.id %> --listen 10.1.2.3:10360 --web.config.file /etc/govnet/web.yml',
  ]
  static flags = {
    fresh: freshFlag(),
    listen: Flags.string({
      default: DEFAULT_LISTEN,
      description: 'HOST:PORT to listen on; :PORT for every address, port 0 for any free port',
    }),
    'max-connections': Flags.integer({
      default: DEFAULT_MAX_CONNECTIONS,
      description: 'connections served at once; more are closed as they arrive',
    }),
    refresh: durationFlag(REFRESH_RULE, {
      default: DEFAULT_REFRESH,
      description: 'how often to re-read the inventory: 30s, 5m, 1h …',
    }),
    today: Flags.string({
      description:
        'judge deadlines (overdue assessments, filing) as of this date, YYYY-MM-DD (default: the local date), to replay a date',
    }),
    'web.config.file': Flags.string({
      description:
        'exporter-toolkit web configuration (YAML): tls_server_config, basic_auth_users (bcrypt), http_server_config.headers',
    }),
  }
  static summary = 'Serve Prometheus metrics'

  async run(): Promise<void> {
    const {flags} = await this.parse(MetricsServe)
    const listen = parseListenAddress(flags.listen)
    const refreshMs = flags.refresh.ms
    const maxConnections = parseMaxConnections(flags['max-connections'])
    const freshnessMs = flags.fresh.ms
    const today = flags.today === undefined ? undefined : judgementDay(flags.today)
    // Opened here for its errors (missing, not an inventory, too new); the refresh thread opens its own connection.
    const inventory = this.openInventory(flags.db, {readonly: true})
    const webConfigFile = flags['web.config.file']
    const service = await startMetricsService(inventory.path, {
      listen,
      refreshMs,
      freshnessMs,
      webConfigFile,
      maxConnections,
      today,
    })
    const guard = webConfigFile ? ` (web config ${webConfigFile})` : ''
    this.log(`serving ${service.url}${guard} from ${inventory.path}, refreshed every ${flags.refresh.text}`)
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', resolve)
      process.once('SIGINT', resolve)
    })
    await service.close()
    this.log(`stopped on ${signal}`)
  }
}
