// The web app at 375 px in the small things a phone user meets: nothing scrolls sideways (the vehicle
// tabs included), a whole VIN is visible beside "Decode VIN", every button is a 44 px touch target, an
// edited fill-up's form shows the total that is saved, a first fill-up has no green "mpg" headline, a
// favourite station says so once, and station results have a heading with their count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { MOBILE, newSession, screenshot } from './support/browser.ts';
import { startWebStackAndBrowser } from './support/web-stack.ts';
import { signIn, VIN } from './support/workflow.ts';

// At file scope: the apps and the browser are closed after the file (never from inside a hook).
const { stack, browser } = await startWebStackAndBrowser();

/** Elements on the page that scroll sideways inside themselves, or stick out of the viewport. */
async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth) out.push(`page ${document.documentElement.scrollWidth}px`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.closest('.visually-hidden, .skip')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      const name = `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
      if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) out.push(`${name} scrolls`);
      if (r.right > window.innerWidth + 1 || r.left < -1) out.push(`${name} sticks out (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
    return out;
  });
}

/** Visible buttons (and button-like links) lower than a 44 px touch target. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('button, .file-button, .tabs a'))
    .filter((b) => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().height < 44)
    .map((b) => `"${(b.textContent ?? '').trim()}" ${Math.round(b.getBoundingClientRect().height)}px`));
}

test('at 375 px: tabs, VIN field, touch targets, fill-up totals and mpg, favourites, station results', async () => {
  const sub = `phone-${randomUUID().slice(0, 8)}`;
  const token = await stack.token(sub);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(stack.env.targets.gatewayExpress + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    return res.status === 204 ? undefined : res.json();
  };
  const vehicle = await api('POST', '/api/vehicles', { make: 'Honda', model: 'Fit', year: 2015, nickname: 'Phone car' });
  const { context, page } = await newSession(browser, MOBILE);
  try {
    const base = stack.env.targets.gatewayExpress;
    await signIn(page, base, sub);

    // The whole VIN fits its field.
    const add = page.getByRole('form', { name: 'Add vehicle' });
    await add.getByLabel('VIN').fill(VIN);
    const vin = await add.getByLabel('VIN').evaluate((el: HTMLInputElement) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(vin.scroll <= vin.client, `the VIN field shows all 17 characters (text ${vin.scroll}px, field ${vin.client}px)`);
    assert.deepEqual(await sidewaysOverflow(page), [], 'vehicles page');
    assert.deepEqual(await smallTargets(page), [], 'vehicles page touch targets');

    // Vehicle page: the three tabs fit.
    await page.goto(`${base}/vehicles/${vehicle.id}/fuel`);
    await page.getByRole('heading', { name: 'Fuel statistics' }).waitFor();
    assert.deepEqual(await sidewaysOverflow(page), [], 'vehicle page');

    // A first full-tank fill-up: no green mpg headline.
    const log = await api('POST', '/api/fuel-logs', { vehicleId: vehicle.id, date: '2026-01-05', odometer: 1000, gallons: 10, pricePerGallon: 3, totalCost: 35 });
    await page.reload();
    const entry = page.getByRole('listitem', { name: 'Fuel log' }).first().or(page.locator('ul[aria-label="Fuel logs"] > li').first());
    await entry.waitFor();
    assert.equal(await entry.locator('.mpg').count(), 0, 'no green mpg headline without an mpg');
    assert.match(await entry.textContent() ?? '', /no mpg yet/);
    assert.deepEqual(await smallTargets(page), [], 'fuel page touch targets');

    // Editing the gallons shows the total that will be saved, and that total is saved.
    await entry.getByRole('button', { name: /^Edit / }).click();
    const edit = page.getByRole('form', { name: 'Edit fuel log' });
    assert.equal(await edit.getByLabel('Total cost').inputValue(), '35');
    await edit.getByLabel('Gallons').fill('12');
    const shown = await edit.getByLabel('Total cost').inputValue();
    assert.equal(shown, '36', 'the form shows the recomputed total (12 × 3)');
    await edit.getByRole('button', { name: 'Save fuel log' }).click();
    await edit.waitFor({ state: 'detached' });
    assert.equal((await api('GET', `/api/fuel-logs/${log.id}`)).totalCost, Number(shown), 'what was shown is what was saved');

    // Stations: results have a heading with their count; a favourite says "★ Favourite" once.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stations' }).click();
    const search = page.getByRole('form', { name: 'Search stations' });
    await search.getByLabel('Latitude').fill('37.7');
    await search.getByLabel('Longitude').fill('-5.1');
    await search.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('list', { name: 'Search results' });
    await results.getByRole('listitem').first().waitFor();
    const count = await results.getByRole('listitem').count();
    await page.getByRole('heading', { name: new RegExp(`^${count} stations? found`) }).waitFor();
    const first = await results.getByRole('listitem').first().getAttribute('aria-label');
    await results.getByRole('button', { name: `Save ${first}` }).click();
    const saveForm = page.getByRole('form', { name: `Save ${first}` });
    await saveForm.getByLabel('Favourite').check();
    await saveForm.getByRole('button', { name: 'Save station' }).click();
    const saved = page.getByRole('list', { name: 'Saved stations' }).getByRole('listitem', { name: first ?? '' });
    await saved.getByText('★ Favourite', { exact: true }).first().waitFor();
    assert.equal(await saved.getByText('★ Favourite', { exact: true }).count(), 1, 'a favourite says so once');
    assert.deepEqual(await sidewaysOverflow(page), [], 'stations page');
    assert.deepEqual(await smallTargets(page), [], 'stations page touch targets');
  } catch (err) {
    await screenshot(page, 'phone-details-failure').catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
});
