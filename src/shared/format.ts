// Text both the host and the webview show the same way.

/** Elapsed time as the form and the Generations view show it: "1:23". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * How much of a download has arrived, in whole percent (never past 100), or undefined while its
 * size is unknown (`total` 0): then there is nothing honest to show but the bytes so far.
 */
export function downloadPercent(received: number, total: number): number | undefined {
  return total > 0 ? Math.min(100, Math.floor((100 * received) / total)) : undefined;
}

/** A file's size as a person reads it: "1.4 MB", "310.2 KB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
