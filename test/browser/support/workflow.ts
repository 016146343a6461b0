// The user's complete workflow, driven by roles and labels: sign in (dev), add a vehicle by VIN with
// the decode preview, upload a photo, two full-tank fill-ups (mpg checked against the API), search and
// save a station, a maintenance record with a receipt and a schedule, and the upcoming list.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';

export const VIN = '1HGCM82633A004352'; // the vPIC fake's recorded decode: 2003 HONDA Accord

/** A valid PNG of w×h pixels (one colour), built by hand so the test needs no image files. */
export function png(w = 4, h = 3): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x4a)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

export interface WorkflowOptions {
  baseUrl: string;
  user: string;
  /** Where the API answers for the checks against it (the same gateway). */
  apiToken: () => Promise<string>;
  /** Runs between the steps (flag flips in the middle of the session). */
  between?: (step: string) => Promise<void>;
  /** Screenshot name prefix under .data/artifacts. */
  shots: string;
  /** Search stations through the browser's geolocation instead of typed coordinates. */
  geolocation?: boolean;
}

async function apiGet<T>(opts: WorkflowOptions, path: string): Promise<T> {
  const res = await fetch(opts.baseUrl + path, { headers: { authorization: `Bearer ${await opts.apiToken()}` } });
  assert.equal(res.status, 200, `${path} → ${res.status}`);
  return (await res.json()) as T;
}

export async function signIn(page: Page, baseUrl: string, user: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(user);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your vehicles' }).waitFor();
}

export async function runWorkflow(page: Page, opts: WorkflowOptions): Promise<{ vehicleId: string }> {
  const between = opts.between ?? (async () => {});
  await signIn(page, opts.baseUrl, opts.user);

  // Vehicle by VIN: the decode preview shows make, model and year before anything is saved.
  const add = page.getByRole('form', { name: 'Add vehicle' });
  await add.getByLabel('VIN').fill(VIN.toLowerCase());
  await add.getByRole('button', { name: 'Decode VIN' }).click();
  const preview = page.getByRole('region', { name: 'Decoded vehicle' });
  await preview.getByRole('heading', { name: 'Decoded: 2003 HONDA Accord' }).waitFor();
  for (const [term, value] of [['Make', 'HONDA'], ['Model', 'Accord'], ['Year', '2003']]) {
    assert.equal(await preview.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('+ dd').textContent(), value);
  }
  await add.getByLabel('Nickname').fill('Daily driver');
  await add.getByRole('button', { name: 'Add vehicle' }).click();
  const vehicles = page.getByRole('list', { name: 'Vehicles' });
  await vehicles.getByRole('link', { name: 'Daily driver' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Added 2003 HONDA Accord' }).waitFor();
  assert.match(await vehicles.getByRole('listitem').filter({ hasText: 'Daily driver' }).textContent() ?? '', /2003 HONDA Accord/);
  await screenshot(page, `${opts.shots}-1-vehicle`);
  await between('vehicle');

  // Photo: uploaded, then shown from a blob URL the page fetched with its token.
  await vehicles.getByRole('link', { name: 'Daily driver' }).click();
  await page.getByRole('heading', { name: 'Daily driver', level: 1 }).waitFor();
  const vehicleId = new URL(page.url()).pathname.split('/')[2];
  await page.getByLabel('Upload photo').setInputFiles({ name: 'car.png', mimeType: 'image/png', buffer: png() });
  const photo = page.getByRole('img', { name: 'Photo of Daily driver' });
  await photo.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('img.photo') as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth === 4 && img.src.startsWith('blob:');
  });
  await between('photo');

  // Two full-tank fill-ups: the second one has an mpg, the same the API computes.
  await page.getByRole('navigation', { name: 'Vehicle sections' }).getByRole('link', { name: 'Fuel logs' }).click();
  const fuel = page.getByRole('form', { name: 'Add fuel log' });
  const logs = page.getByRole('list', { name: 'Fuel logs' });
  const fills = [{ date: '2026-01-05', odometer: '10000', gallons: '10', price: '3.459' }, { date: '2026-01-20', odometer: '10300', gallons: '10.5', price: '3.5' }];
  for (const [i, f] of fills.entries()) {
    await fuel.getByLabel('Date').fill(f.date);
    await fuel.getByLabel('Odometer (miles)').fill(f.odometer);
    await fuel.getByLabel('Gallons').fill(f.gallons);
    await fuel.getByLabel('Price per gallon').fill(f.price);
    assert.equal(await fuel.getByLabel('Full tank').isChecked(), true);
    await fuel.getByRole('button', { name: 'Add fuel log' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('ul[aria-label="Fuel logs"] > li').length === n, i + 1);
    await between(`fill-${i + 1}`);
  }
  const api = (await apiGet<{ items: Array<{ odometer: number; mpg: number | null }> }>(opts, `/api/fuel-logs?vehicleId=${vehicleId}`)).items;
  const latest = api.find((l) => l.odometer === 10300);
  assert.ok(latest, 'the fuel log at 10300 is listed');
  assert.equal(latest.mpg, 28.57);
  await logs.getByText(`${latest.mpg.toFixed(2)} mpg`).waitFor();
  const stats = await apiGet<{ averageMpg: number }>(opts, `/api/fuel-logs/stats?vehicleId=${vehicleId}`);
  const statsCard = page.getByRole('region', { name: 'Fuel statistics' });
  await statsCard.getByText(`${stats.averageMpg.toFixed(2)} mpg`).waitFor();
  await statsCard.getByText('2', { exact: true }).waitFor(); // fill-ups
  await screenshot(page, `${opts.shots}-2-fuel`);
  await between('fuel');

  // Stations: search (typed coordinates or the browser's location), nearest first; save one.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stations' }).click();
  const search = page.getByRole('form', { name: 'Search stations' });
  if (opts.geolocation) await search.getByRole('button', { name: 'Use my location' }).click();
  else {
    await search.getByLabel('Latitude').fill('37.7');
    await search.getByLabel('Longitude').fill('-5.1');
    await search.getByRole('button', { name: 'Search' }).click();
  }
  const results = page.getByRole('list', { name: 'Search results' });
  await results.getByRole('listitem').first().waitFor();
  await between('search');
  const apiResults = (await apiGet<{ items: Array<{ name: string; distanceMeters: number }> }>(opts, '/api/stations/search?lat=37.7&lng=-5.1&radius=5000')).items;
  const shown = await results.getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.deepEqual(shown, apiResults.map((r) => r.name), 'results in the API order (nearest first)');
  assert.deepEqual(apiResults.map((r) => r.distanceMeters), [...apiResults.map((r) => r.distanceMeters)].sort((a, b) => a - b));
  const first = apiResults[0].name;
  await results.getByRole('button', { name: `Save ${first}` }).click();
  const saveForm = page.getByRole('form', { name: `Save ${first}` });
  await saveForm.getByLabel('Nickname').fill('Home pump');
  await saveForm.getByLabel('Favourite').check();
  await saveForm.getByRole('button', { name: 'Save station' }).click();
  const saved = page.getByRole('list', { name: 'Saved stations' });
  await saved.getByRole('listitem', { name: `Home pump (${first})` }).getByText('★ Favourite', { exact: true }).first().waitFor();
  await screenshot(page, `${opts.shots}-3-stations`);
  await between('stations');

  // Maintenance: a record with a receipt (downloaded back), a schedule, and the upcoming list.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Vehicles' }).click();
  await page.getByRole('list', { name: 'Vehicles' }).getByRole('link', { name: 'Daily driver' }).click();
  await page.getByRole('navigation', { name: 'Vehicle sections' }).getByRole('link', { name: 'Maintenance' }).click();
  const record = page.getByRole('form', { name: 'Add maintenance record' });
  await record.getByLabel('Service type').selectOption({ label: 'Oil change' });
  await record.getByLabel('Odometer at service (miles)').fill('10300');
  await record.getByLabel('Cost').fill('49.99');
  await record.getByLabel('Shop').fill('Corner Garage');
  await record.getByLabel('Receipt (optional)').setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
  await record.getByRole('button', { name: 'Add record' }).click();
  const records = page.getByRole('list', { name: 'Service records' });
  const download = records.getByRole('button', { name: /^Download receipt for Oil change on / });
  await download.waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    file.createReadStream().then((s) => { const parts: Buffer[] = []; s.on('data', (c: Buffer) => parts.push(c)); s.on('end', () => resolve(Buffer.concat(parts))); s.on('error', reject); }, reject);
  });
  assert.deepEqual(bytes, PDF);
  assert.match(file.suggestedFilename(), /^receipt-\d{4}-\d{2}-\d{2}-oil_change\.pdf$/);
  await between('record');

  const schedule = page.getByRole('form', { name: 'Add schedule' });
  await schedule.getByLabel('Scheduled service').selectOption({ label: 'Oil change' });
  await schedule.getByLabel('Every (miles)').fill('5000');
  await schedule.getByLabel('Every (months)').fill('6');
  await schedule.getByRole('button', { name: 'Add schedule' }).click();
  const upcoming = page.getByRole('list', { name: 'Upcoming maintenance' });
  await upcoming.getByRole('listitem', { name: 'Oil change: OK' }).waitFor();
  await upcoming.getByText('5,000 mi left').waitFor();
  await screenshot(page, `${opts.shots}-4-maintenance`);
  await between('maintenance');
  return { vehicleId };
}
