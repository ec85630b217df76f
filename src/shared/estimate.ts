// How long a generation has left, from how long past generations of its kind took. Shared: the
// host (status bar, Generations view) and the form each count it on their own clock, so the
// number moves every second without a message. Imports nothing outside shared/.
import { l10n } from './l10n';

/** What a running job's estimate needs: when the service accepted it, and the past durations (ms, sorted). */
export interface Expected {
  acceptedAt: number;
  durations: readonly number[];
}

/** About how long is left and how far along it is; or that it runs longer than past jobs did. */
export type WaitEstimate = { remainingMs: number; fraction: number } | { overdue: true };

/** The `p` quantile (0 to 1) of sorted values, between neighbours. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * The estimate `elapsedMs` in, from the past jobs still running at that point: their median end
 * minus now. Past the 95th percentile, or past every past job, it is "longer than usual" rather
 * than a number that freezes or goes below zero.
 */
export function estimateWait(elapsed: number, durations: readonly number[]): WaitEstimate {
  // A clock behind the acceptance (set back, or another machine's) counts as just accepted.
  const elapsedMs = Math.max(0, elapsed);
  const later = durations.filter((ms) => ms > elapsedMs);
  if (later.length === 0 || elapsedMs > percentile(durations, 0.95)) return { overdue: true };
  const remainingMs = Math.max(1000, percentile(later, 0.5) - elapsedMs);
  return { remainingMs, fraction: Math.max(0, Math.min(0.99, elapsedMs / (elapsedMs + remainingMs))) };
}

/** "about 40 s left", "about 3 min left", "taking longer than usual". */
export function waitText(estimate: WaitEstimate): string {
  if ('overdue' in estimate) return l10n.t('taking longer than usual');
  const seconds = estimate.remainingMs / 1000;
  if (seconds < 90) {
    // Coarse steps read as an estimate and do not flicker: 5 s under a minute and a half.
    const rounded = Math.max(5, Math.round(seconds / 5) * 5);
    return l10n.t('about {0} s left', rounded);
  }
  return l10n.t('about {0} min left', Math.round(seconds / 60));
}

/** The estimate of a running job `now`, or undefined when it has none. */
export function expectedWait(expected: Expected | undefined, now: number): WaitEstimate | undefined {
  return expected && expected.durations.length > 0 ? estimateWait(now - expected.acceptedAt, expected.durations) : undefined;
}
