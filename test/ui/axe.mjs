// An accessibility audit (axe-core) of the form's document in the served workbench, and the
// counts it found, kept per layout and impact for the suite's closing table.
// Functions given to evaluate() run in the form's document:
/* global window, document */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const IMPACTS = ['minor', 'moderate', 'serious', 'critical'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe in `frame` (a playwright Frame). The source goes in through the debugger's evaluate:
 * the webview's Content-Security-Policy allows only its own nonce'd script, so a script tag
 * would be refused, and should be.
 */
export async function runAxe(frame) {
  if (!(await frame.evaluate(() => typeof window.axe === 'object'))) await frame.evaluate(`${axeSource}\n;undefined`);
  return frame.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'minor',
      help: v.help,
      targets: v.nodes.map((node) => node.target.join(' ')),
    }));
  });
}

/** The audits of a run, by layout: what was found, counted per impact. */
export class AuditLog {
  rows = [];

  /** Audits `frame` as `layout`; returns the serious and critical violations, described. */
  async audit(frame, layout) {
    const violations = await runAxe(frame);
    const counts = Object.fromEntries(IMPACTS.map((impact) => [impact, 0]));
    for (const violation of violations) counts[violation.impact] += violation.targets.length;
    this.rows.push({ layout, counts, violations });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(', ')}`);
  }

  /** The table of counts (elements per impact level), and every violation found, for the log. */
  table() {
    const header = ['layout', ...IMPACTS];
    const lines = [header, ...this.rows.map((row) => [row.layout, ...IMPACTS.map((impact) => String(row.counts[impact]))])];
    const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
    const text = lines.map((line) => line.map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  '));
    for (const row of this.rows)
      for (const v of row.violations) text.push(`  ${row.layout}: ${v.impact} ${v.id} (${v.help}): ${v.targets.join(', ')}`);
    return text.join('\n');
  }
}
