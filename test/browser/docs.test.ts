// /docs as a new user meets it, in real Chromium: the Swagger UI renders every documented route of the
// contract (served by a gateway with every feature on express, and one with every feature native), and a
// route can be called from it with a token: GET /api/vehicles answers 200 on either backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DESKTOP, launch, newSession, screenshot } from './support/browser.ts';
import { startBackends, type TestEnv } from '../support/in-process.ts';

let env: TestEnv;
let browser: Browser;

before(async () => { [env, browser] = await Promise.all([startBackends(), launch()]); });
after(async () => {
  await browser?.close();
  await env?.close();
});

for (const target of ['gatewayExpress', 'gatewayFastify'] as const) {
  test(`/docs renders the contract and calls a route (${target})`, async () => {
    const { token } = await env.newUser();
    const { context, page, problems } = await newSession(browser, DESKTOP);
    try {
      await page.goto(`${env.targets[target]}/docs`);
      const operations = page.locator('.opblock');
      await operations.first().waitFor({ timeout: 60_000 }); // the UI's bundle is large for a loaded CI machine
      const documented = Object.values((await (await fetch(`${env.targets[target]}/docs/openapi.json`)).json()).paths as Record<string, object>)
        .reduce((n: number, item) => n + Object.keys(item).length, 0);
      assert.equal(await operations.count(), documented, 'one operation block per documented operation');

      await page.getByRole('button', { name: /Authorize/ }).first().click();
      await page.locator('.modal-ux input[type=text], .modal-ux input:not([type])').first().fill(token);
      await page.locator('.modal-ux button.authorize').click();
      await page.locator('.modal-ux button.btn-done').click();

      const list = page.locator('#operations-vehicles-getApiVehicles');
      await list.locator('.opblock-summary').click();
      await list.getByRole('button', { name: 'Try it out' }).click();
      await list.getByRole('button', { name: 'Execute' }).click();
      const status = list.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor();
      assert.equal((await status.textContent())?.trim(), '200');
      assert.match(await list.locator('.live-responses-table .microlight').first().textContent() ?? '', /"items"/);
      assert.deepEqual(problems.list(), [], 'no console errors (CSP included) and no failed requests');
    } catch (err) {
      await screenshot(page, `docs-${target}-failure`).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
}
