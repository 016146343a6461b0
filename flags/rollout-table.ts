// The rollout model's legal moves as Markdown: docs/progressive-delivery.md carries this text between
// its markers, and flags/rollout-model.test.ts fails when the two differ (the docs cannot drift).
import { SIDES } from './operations.ts';
import { STAGES } from './registry.ts';
import { RAMP_MOVES, SIDE_MOVES } from './rollout-model.ts';

const MOVE_TEXT = { ok: 'yes', gate: 'gate or force', no: '—' } as const;

export function transitionsMarkdown(): string {
  const lines: string[] = [];
  for (const side of SIDES) {
    lines.push(`**${side}** (rows: from, columns: to)`, '', `| from \\ to | ${STAGES.join(' | ')} |`, `|---|${STAGES.map(() => '---').join('|')}|`);
    for (const from of STAGES) lines.push(`| ${from} | ${STAGES.map((to) => MOVE_TEXT[SIDE_MOVES[side][from][to]]).join(' | ')} |`);
    lines.push('');
  }
  lines.push('**ramp commands**', '', '| command | from ramp state | to |', '|---|---|---|');
  for (const [command, t] of Object.entries(RAMP_MOVES)) lines.push(`| ${command} | ${t.from.join(', ')} | ${t.to} |`);
  return lines.join('\n');
}
