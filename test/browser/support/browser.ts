// Debian's Chromium through playwright-core: one headless browser per test file, a fresh context per
// session, and a watcher that records console errors, page errors and failed requests.
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../../.data/artifacts/', import.meta.url).pathname;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export async function launch(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  // launch() gives every browser a fresh temporary user-data-dir.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const MOBILE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export interface Problems {
  /** Console errors, page errors, failed requests and HTTP errors, minus the ones `expect` allowed. */
  list(): string[];
  /** Allow responses/console lines matching `pattern` (a failure the test provokes on purpose). */
  expect(pattern: RegExp): void;
  /** x-backend of every /api response, per path prefix ("/api/vehicles" → set of backends). */
  backends: Map<string, Set<string>>;
}

export function watch(page: Page): Problems {
  const seen: string[] = [];
  const allowed: RegExp[] = [];
  const backends = new Map<string, Set<string>>();
  page.on('console', (m) => { if (m.type() === 'error') seen.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => seen.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    const url = new URL(r.url());
    const m = /^\/api\/[^/]+/.exec(url.pathname);
    const b = r.headers()['x-backend'];
    if (m && b) {
      const seenFor = backends.get(m[0]) ?? new Set();
      seenFor.add(b);
      backends.set(m[0], seenFor);
    }
    if (r.status() >= 400) seen.push(`http ${r.status()}: ${r.request().method()} ${url.pathname}`);
  });
  return {
    list: () => seen.filter((s) => !allowed.some((a) => a.test(s))),
    expect: (p) => { allowed.push(p); },
    backends,
  };
}

export async function newSession(browser: Browser, device: typeof DESKTOP | typeof MOBILE, extra: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page; problems: Problems }> {
  const context = await browser.newContext({ ...device, acceptDownloads: true, ...extra });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page, problems: watch(page) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}web-${name}.png`, fullPage: true });
}
