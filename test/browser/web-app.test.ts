// The web app in real Chromium on every backend mix: the complete workflow on all-express, all-fastify
// and with flag flips in the middle of the session (no reload), the same at 375×812; no console error and
// no failed request in any of them; a validation error beside its field; a 503 shows the retry message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DESKTOP, MOBILE, newSession, screenshot } from './support/browser.ts';
import { startWebStackAndBrowser } from './support/web-stack.ts';
import { runWorkflow, signIn } from './support/workflow.ts';
import type { Backend, FeatureName } from '../../flags/registry.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { flagEnv, hasLegacyApp, startLegacy } from '../helper.ts';

// At file scope: the apps and the browser are closed after the file (never from inside a hook).
const { stack, browser } = await startWebStackAndBrowser();

const user = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

async function workflow(name: string, device: typeof DESKTOP | typeof MOBILE, baseUrl: string, between?: (step: string) => Promise<void>, geolocation = false) {
  const sub = user(name);
  const { context, page, problems } = await newSession(browser, device, geolocation ? { geolocation: { latitude: 37.7, longitude: -5.1 }, permissions: ['geolocation'] } : {});
  try {
    await runWorkflow(page, { baseUrl, user: sub, apiToken: () => stack.token(sub), between, shots: name, geolocation });
    if (device === MOBILE) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow} px)`);
    }
    assert.deepEqual(problems.list(), [], 'no console errors and no failed requests');
    return problems;
  } catch (err) {
    await screenshot(page, `${name}-failure`).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}

/** Flips features one after another while the user is mid-workflow: both backends serve the same page. */
function flipper(gateway: string, plan: Record<string, Array<[FeatureName, Backend]>>) {
  return async (step: string) => {
    for (const [feature, backend] of plan[step] ?? []) await stack.flip(gateway, feature, backend);
  };
}

describe('the web app', () => {
  test('complete workflow, every feature on express', async () => {
    const problems = await workflow('express', DESKTOP, stack.env.targets.gatewayExpress);
    for (const [prefix, seen] of problems.backends) assert.deepEqual([...seen], ['express'], prefix);
  });

  test('complete workflow, every feature on fastify (location from the browser)', async () => {
    const problems = await workflow('fastify', DESKTOP, stack.env.targets.gatewayFastify, undefined, true);
    for (const [prefix, seen] of problems.backends) assert.deepEqual([...seen], ['fastify'], prefix);
  });

  test('complete workflow with flips in the middle of the session', async () => {
    const gw = stack.env.targets.gatewayExpress;
    try {
      const problems = await workflow('flips', DESKTOP, gw, flipper(gw, {
        vehicle: [['vehicles', 'fastify']],
        'fill-1': [['fuel-logs', 'fastify']],
        search: [['stations', 'fastify']],
        fuel: [['vehicles', 'express'], ['maintenance', 'fastify']],
        record: [['maintenance', 'express'], ['fuel-logs', 'express']],
      }));
      for (const prefix of ['/api/vehicles', '/api/fuel-logs', '/api/stations', '/api/maintenance']) {
        assert.deepEqual([...(problems.backends.get(prefix) ?? [])].sort(), ['express', 'fastify'], `${prefix} served by both during the session`);
      }
    } finally {
      await stack.clearFlags(gw);
    }
  });

  test('complete workflow at 375×812, with flips', async () => {
    const gw = stack.env.targets.gatewayFastify;
    try {
      const problems = await workflow('mobile', MOBILE, gw, flipper(gw, {
        photo: [['vehicles', 'express']],
        'fill-1': [['fuel-logs', 'express']],
        search: [['stations', 'express']],
        record: [['maintenance', 'express']],
      }));
      for (const prefix of ['/api/vehicles', '/api/fuel-logs', '/api/stations', '/api/maintenance']) {
        assert.deepEqual([...(problems.backends.get(prefix) ?? [])].sort(), ['express', 'fastify'], `${prefix} served by both during the session`);
      }
    } finally {
      await stack.clearFlags(gw);
    }
  });

  test('a validation error from the API is shown beside its field', async () => {
    const { context, page, problems } = await newSession(browser, MOBILE);
    try {
      problems.expect(/(http 400: POST \/api\/vehicles|status of 400)/);
      await signIn(page, stack.env.targets.gatewayExpress, user('invalid'));
      const add = page.getByRole('form', { name: 'Add vehicle' });
      await add.getByRole('tab', { name: 'By make, model and year' }).click();
      await add.getByLabel('Make').fill('Ford');
      await add.getByLabel('Model').fill('Model T');
      await add.getByLabel('Year').fill('1850');
      await add.getByRole('button', { name: 'Add vehicle' }).click();
      const year = add.getByLabel('Year');
      await page.waitForFunction(() => document.querySelector('input[name="year"]')?.getAttribute('aria-invalid') === 'true');
      const describedBy = await year.getAttribute('aria-describedby');
      assert.ok(describedBy, 'the year field points at its error');
      assert.match(await page.locator(`[id="${describedBy}"]`).textContent() ?? '', /^Must be >= 1900$/);
      assert.equal(await add.getByLabel('Make').getAttribute('aria-invalid'), null, 'only the offending field is marked');
      await page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' }).waitFor();
      await screenshot(page, 'validation');
      assert.deepEqual(problems.list(), []);
    } finally {
      await context.close();
    }
  });

  test('legacy stopped while features are on express: the retry message, then it works again', { skip: !hasLegacyApp() && 'no legacy app' }, async () => {
    const legacyStops: Array<() => Promise<unknown>> = [];
    const stopLegacy = async () => { for (const fn of legacyStops.splice(0).reverse()) await fn(); };
    // A port the kernel hands out now, reused for the restart so the gateway's LEGACY_URL stays right
    // (a fixed port can be taken by any outgoing connection's ephemeral port: EADDRINUSE).
    const legacy = await startLegacy(stack.env.config, legacyStops);
    const LEGACY_PORT = Number(new URL(legacy).port);
    const native = new Set(stack.env.capsules.map((c) => c.feature));
    const gw = await buildApp({ config: loadConfig({ ...stack.env.env, LEGACY_URL: legacy }), env: { ...stack.env.env, ...flagEnv('express', native) }, capsules: stack.env.capsules });
    await gw.listen({ port: 0, host: '127.0.0.1' });
    const { context, page, problems } = await newSession(browser, DESKTOP);
    try {
      await signIn(page, gw.listeningOrigin, user('outage'));
      await page.getByText('No vehicles yet.').waitFor();
      await stopLegacy();
      problems.expect(/(http 503: GET \/api\/stations\/saved|status of 503)/);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stations' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'The service is temporarily unavailable. Please try again in a moment.' });
      await alert.waitFor();
      await screenshot(page, 'outage');
      await startLegacy(stack.env.config, legacyStops, LEGACY_PORT);
      await alert.getByRole('button', { name: 'Try again' }).click();
      await page.getByText('No saved stations yet. Search and save one.').waitFor();
      assert.deepEqual(problems.list(), []);
    } finally {
      await context.close();
      await gw.close();
      await stopLegacy();
    }
  });
});
