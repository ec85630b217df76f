// Noticing another window's writes to the job list folder soon, without polling it.
import { mkdirSync, watch } from 'node:fs';

/**
 * Calls `onChange` once a burst of changes in `dir` has settled (50 ms): one write is several
 * events. Where the file system cannot watch, this does nothing and says nothing.
 */
export function watchFolder(dir: string, onChange: () => void): { dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, 50);
  };
  try {
    mkdirSync(dir, { recursive: true });
    const watcher = watch(dir, poke);
    watcher.on('error', () => watcher.close());
    return {
      dispose: () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  } catch {
    return { dispose: () => clearTimeout(timer) };
  }
}
