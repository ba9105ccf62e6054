import {existsSync} from 'node:fs'
import {Browser, BrowserContextOptions, chromium, Page} from 'playwright-core'

/** Debian's chromium; `.ci/run` installs it. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Whether the browser tests can run. Locally they are skipped without the package; under CI
 * (CI=true) they run regardless and fail on the missing browser, so CI never passes by skipping.
 */
export const runChromiumTests = existsSync(CHROMIUM) || Boolean(process.env.CI)

/** Headless Debian chromium, with nothing of its own going to the network (no updates, sync or QUIC probes). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A page and what it did: console messages (type and text), uncaught errors, requested URLs, dialogs. */
export interface WatchedPage {
  page: Page
  console: Array<{type: string; text: string}>
  errors: string[]
  requests: string[]
  dialogs: string[]
  close(): Promise<void>
}

/** A new page (in its own context) at `viewport`, watched from before its first request. */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({viewport: {width: 1440, height: 1000}, ...options})
  const page = await context.newPage()
  const watched: WatchedPage = {page, console: [], errors: [], requests: [], dialogs: [], close: () => context.close()}
  page.on('console', (message) => watched.console.push({type: message.type(), text: message.text()}))
  page.on('pageerror', (error) => watched.errors.push(error.message))
  page.on('request', (request) => watched.requests.push(request.url()))
  page.on('dialog', (dialog) => {
    watched.dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  return watched
}
