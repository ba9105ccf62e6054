import {ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {createServer, IncomingMessage, Server} from 'node:http'
import path from 'node:path'

import {freePort, poll, PROMETHEUS, PROMTOOL, requireBinary, stopChild} from './prometheus'

/** Debian's prometheus-alertmanager package (the server and amtool); `.ci/run` installs it. */
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager'
export const AMTOOL = '/usr/bin/amtool'

/** Like runPrometheusTests: skipped locally without the packages, run (and failing) under CI=true. */
export const runAlertmanagerTests =
  [ALERTMANAGER, AMTOOL, PROMETHEUS, PROMTOOL].every((binary) => existsSync(binary)) || Boolean(process.env.CI)

/** One alert of an Alertmanager webhook notification (webhook_config payload version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
}

export interface WebhookNotification {
  version: string
  receiver: string
  status: string
  alerts: WebhookAlert[]
  groupLabels: Record<string, string>
}

/** An HTTP receiver on 127.0.0.1 that keeps every notification Alertmanager posts to it. */
export interface WebhookReceiver {
  url: string
  notifications: WebhookNotification[]
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: WebhookNotification[] = []
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })
  const server: Server = createServer((req, res) => {
    read(req).then(
      (body) => {
        notifications.push(JSON.parse(body) as WebhookNotification)
        res.writeHead(200).end()
      },
      () => res.writeHead(400).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface AlertmanagerServer {
  /** host:port, as an alerting target of Prometheus. */
  target: string
  log: () => string
  stop(): Promise<void>
}

/**
 * Start a real Alertmanager on 127.0.0.1 (no clustering, storage under `dir`) that sends every alert
 * to `webhookUrl` after 1 s of grouping, and wait until it is ready.
 */
export async function startAlertmanager(dir: string, webhookUrl: string): Promise<AlertmanagerServer> {
  requireBinary(ALERTMANAGER, 'prometheus-alertmanager')
  const config = path.join(dir, 'alertmanager.yml')
  const storage = path.join(dir, 'alertmanager-data')
  mkdirSync(storage, {recursive: true})
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: webhook',
      "  group_by: ['alertname', 'level', 'code']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: webhook',
      '    webhook_configs:',
      `      - url: '${webhookUrl}'`,
      '        send_resolved: false',
      '',
    ].join('\n'),
  )
  const port = await freePort()
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = () => stopChild(child, exited)
  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}: ${log}`)
        const res = await fetch(`http://127.0.0.1:${port}/-/ready`)
        return res.ok ? true : undefined
      },
      {attempts: 150, intervalMs: 200},
      'alertmanager to become ready',
    )
  } catch (error) {
    await stop()
    throw error
  }
  return {target: `127.0.0.1:${port}`, log: () => log, stop}
}
