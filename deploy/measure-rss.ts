// Measures the resident memory the Kubernetes resource requests/limits are based on (deploy/README.md):
// one legacy and one gateway process on real PostgreSQL/Redis, RSS idle after start, then peak RSS
// (VmHWM) after a 20 s mixed load through the gateway (native reads and writes, proxied reads and writes).
// Run: DATABASE_URL=… REDIS_URL=… node deploy/measure-rss.ts
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startStack, nativeFlags } from '../stack/process-stack.ts';

const kib = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const mib = (k: number) => `${(k / 1024).toFixed(0)} MiB`;

const stack = await startStack({ label: 'measure_rss' });
try {
  const legacy = await stack.spawnLegacy({ LOG_LEVEL: 'warn' });
  const gw = await stack.spawnGateway(legacy.url, { ...(await nativeFlags()), FUEL_LOGS_BACKEND: 'express', LOG_LEVEL: 'warn' });
  const user = await stack.newUser();
  const headers = { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' };
  const created = await fetch(`${gw.url}/api/vehicles`, { method: 'POST', headers, body: JSON.stringify({ make: 'Rss', model: 'Probe', year: 2020 }) });
  const vehicleId = ((await created.json()) as { id: string }).id;
  await new Promise((r) => setTimeout(r, 3000));
  const idle = { gateway: kib(gw.pid, 'VmRSS'), legacy: kib(legacy.pid, 'VmRSS') };
  const today = new Date().toISOString().slice(0, 10);
  await autocannon({
    url: gw.url, connections: 32, duration: 20, headers,
    requests: [
      { method: 'GET', path: `/api/vehicles/${vehicleId}` },
      { method: 'GET', path: '/api/vehicles' },
      { method: 'POST', path: '/api/vehicles', body: JSON.stringify({ make: 'Rss', model: 'Load', year: 2021 }) },
      { method: 'GET', path: `/api/fuel-logs?vehicleId=${vehicleId}` },
      { method: 'POST', path: '/api/fuel-logs', body: JSON.stringify({ vehicleId, date: today, odometer: 1, gallons: 1, pricePerGallon: 1 }) },
    ],
  });
  const peak = { gateway: kib(gw.pid, 'VmHWM'), legacy: kib(legacy.pid, 'VmHWM') };
  console.log(`gateway: idle ${mib(idle.gateway)}, peak under load ${mib(peak.gateway)}`);
  console.log(`legacy:  idle ${mib(idle.legacy)}, peak under load ${mib(peak.legacy)}`);
} finally {
  await stack.close();
}
