// Text both the host and the webview show the same way.

/** Elapsed time as the form and the Generations view show it: "1:23". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** How much of a download has arrived, as a whole percent up to 100; undefined while the size is unknown (0). */
export function downloadPercent(received: number, total: number): number | undefined {
  return total > 0 ? Math.min(100, Math.floor((received / total) * 100)) : undefined;
}
