// Jobs an earlier version kept in VS Code's workspace storage, brought into the job list once.
import type { Logger } from '../util/log';
import type { JobStore } from './jobStore';
import { readStoredJob } from './storedJob';

/**
 * Imports the earlier list into `store`; returns how many jobs it added. Their texts pass through
 * `redact` on the way: that version could store a key echoed back.
 */
export function importLegacyJobs(store: JobStore, list: unknown, redact: (text: string) => string, log: Logger): number {
  if (!Array.isArray(list)) return 0;
  let imported = 0;
  for (const raw of list) {
    const { job, problems } = readStoredJob(raw);
    if (job?.error) job.error = redact(job.error);
    if (problems.length > 0) log.warn(`Job list (earlier version): ${problems.join('; ')}.`);
    if (!job || store.get(job.id)) continue;
    void store.save(job).catch((error) => log.error(`Could not keep job ${job.id}: ${(error as Error).message}`));
    imported++;
  }
  return imported;
}
