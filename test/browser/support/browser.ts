// Shared launcher for the browser suites: Debian's chromium through playwright-core (no browser download),
// headless, plus a recorder of console errors / failed requests and a screenshot helper (.data/artifacts/).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];
export const ARTIFACTS_DIR = join(import.meta.dirname, '../../../.data/artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageProblems {
  /** console.error messages and uncaught page errors. */
  consoleErrors: Array<{ text: string; url: string }>;
  /** Requests that failed at the network level (refused, aborted, blocked). */
  failedRequests: string[];
  /** Responses with a status ≥ 400: `STATUS METHOD path`. */
  errorResponses: Array<{ status: number; method: string; path: string }>;
}

export function watchPage(page: Page): PageProblems {
  const p: PageProblems = { consoleErrors: [], failedRequests: [], errorResponses: [] };
  page.on('console', (m) => { if (m.type() === 'error') p.consoleErrors.push({ text: m.text(), url: m.location().url }); });
  page.on('pageerror', (e) => p.consoleErrors.push({ text: `uncaught: ${e.message}`, url: '' }));
  page.on('requestfailed', (r) => p.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) p.errorResponses.push({ status: r.status(), method: r.request().method(), path: new URL(r.url()).pathname });
  });
  return p;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
