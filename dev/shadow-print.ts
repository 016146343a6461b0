// Prints the shadow report (GET /admin/shadow[/:feature]) for `make status` and `make shadow-report`.
import type { FeatureReport } from '../src/shadow/report.ts';

/** A feature's report as the admin API sends it (GET /admin/shadow lists them with their stage). */
export type ShadowFeatureView = FeatureReport & { stage?: string; shadowRate?: number };

const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
const reasons = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ');

export function printShadowFeature(name: string, f: ShadowFeatureView, examples = 0): void {
  console.log(`${name}: ${f.stage === 'shadow' ? `shadow ${f.shadowRate}%` : `stage ${f.stage}`} — compared ${f.compared}, matched ${f.matched} (noise-only ${f.noisy}), `
    + `mismatched ${f.mismatched} (${pct(f.mismatchRate)}), skipped ${f.skipped}, errored ${f.errored}, noise calibrations ${f.calibrated}`);
  for (const r of f.routes) {
    const extra = [r.skipped ? `skipped: ${reasons(r.skippedBy)}` : '', r.errored ? `errored: ${reasons(r.erroredBy)}` : ''].filter(Boolean).join('; ');
    console.log(`  ${r.route.padEnd(36)} compared ${String(r.compared).padStart(6)}  mismatched ${String(r.mismatched).padStart(5)} (${pct(r.mismatchRate)})${extra ? `  ${extra}` : ''}`);
    for (const fld of r.topFields.slice(0, 5)) {
      console.log(`      ${fld.path.padEnd(32)} native≠express ${fld.nativeDiffs}, express≠express ${fld.expressDiffs} → ${fld.verdict}`);
    }
    if (r.contractViolations) console.log(`      Express broke the contract in ${r.contractViolations} of ${r.contractChecked} answers (a legacy bug; not a mismatch):`);
    for (const c of r.contractFields.slice(0, 5)) console.log(`      ${c.path.padEnd(32)} ${c.message} (${c.answers})`);
    for (const e of r.examples.slice(0, examples)) {
      const what = e.error ? `native ${e.error}` : e.fields.map((x) => `${x.path}: ${x.express} ≠ ${x.native}`).join('; ');
      console.log(`      e.g. ${new Date(e.at).toISOString()} ${e.route}${e.query ? `?${e.query}` : ''} [${e.status.express}/${e.status.native ?? '-'}] ${what}`);
    }
  }
}

/** The features worth showing: in shadow now, or with results. */
export function printShadow(view: { features: Record<string, ShadowFeatureView> }, examples = 0): void {
  const shown = Object.entries(view.features).filter(([, f]) => f.stage === 'shadow' || f.compared + f.skipped + f.errored > 0);
  if (!shown.length) return;
  console.log('\nshadow traffic (summed over every instance through Redis; without REDIS_URL, the answering gateway\'s own):');
  for (const [name, f] of shown) printShadowFeature(name, f, examples);
}
