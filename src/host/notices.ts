// How many notifications the jobs make: the jobs one Generate starts (one image or a batch) share
// ONE progress notification, with Cancel, and ONE message when the last of them has ended; jobs
// that run here without a Generate (resumed after a restart, taken over from a closed window, a
// Retry or Fetch Video) share one message when they have all ended and no progress notification:
// the form, the Generations view and the status bar show each job's stage. No `vscode` at run
// time here: VS Code is behind `Notifier` (notifier.ts), so plain-Node tests drive this class.
import { l10n } from '../shared/l10n';
import type { JobRecord } from '../jobs/job';
import type { JobSnapshot } from '../jobs/jobStatus';
import { actionLabel, fetchableOf, groupProgressText, type GroupKind, summarize, type SummaryAction } from '../jobs/jobSummary';

export type Severity = 'info' | 'warning' | 'error';

export interface ProgressNotification {
  report(message: string, increment?: number): void;
  done(): void;
}

/** What the extension shows outside its own views. The real one is VS Code's (notifier.ts). */
export interface Notifier {
  /** A message with buttons; resolves to the label chosen, if any. */
  message(severity: Severity, text: string, actions: readonly string[]): PromiseLike<string | undefined>;
  /** One progress notification with a Cancel button, until `done()`. */
  progress(title: string, onCancel: () => void): ProgressNotification;
  /** A short message in the status bar, gone after `ms`. */
  status(text: string, ms: number): void;
}

/** What the notices need of the job machine, and what the buttons of a message do. */
export interface NoticePorts {
  snapshot(id: string): JobSnapshot | undefined;
  /** Stops the jobs, those not yet sent first (JobMachine.cancelAll). */
  cancelAll(ids: readonly string[]): Promise<void>;
  act(action: SummaryAction, jobs: JobRecord[]): void;
}

interface Group {
  kind: GroupKind;
  title: string;
  /** While its Generate is being started: the images whose new jobs belong to it. */
  starting?: ReadonlySet<string>;
  ids: Set<string>;
  ended: Set<string>;
  progress?: ProgressNotification;
  lastText?: string;
}

export class JobNotices {
  private readonly groups = new Set<Group>();
  private readonly groupOf = new Map<string, Group>();

  constructor(
    private readonly notifier: Notifier,
    private readonly ports: NoticePorts,
  ) {}

  /**
   * Runs `start`, a Generate for `imageUris`: the jobs it starts share one progress notification
   * titled `title` and one message at the end. Declined or failed, nothing is shown.
   */
  async generate(imageUris: readonly string[], title: string, start: () => Promise<JobRecord[]>): Promise<JobRecord[]> {
    const group = this.open('generate', title, new Set(imageUris));
    try {
      const jobs = await start();
      for (const job of jobs) this.join(group, job.id);
      return jobs;
    } finally {
      group.starting = undefined;
      for (const id of group.ids) {
        const snapshot = this.ports.snapshot(id);
        if (snapshot) this.follow(group, snapshot);
        else group.ended.add(id); // removed meanwhile
      }
      this.closeIfEnded(group);
    }
  }

  /** Every change of a job: which group it is in, the group's progress, its end. */
  changed(snapshot: JobSnapshot): void {
    const { job } = snapshot;
    let group = this.groupOf.get(job.id);
    if (!group) {
      if (!snapshot.here) return;
      group = [...this.groups].find((g) => g.starting?.has(job.imageUri)) ?? this.unattended();
      this.join(group, job.id);
    }
    this.follow(group, snapshot);
    this.closeIfEnded(group);
  }

  dispose(): void {
    for (const group of this.groups) group.progress?.done();
    this.groups.clear();
    this.groupOf.clear();
  }

  private open(kind: GroupKind, title: string, starting?: ReadonlySet<string>): Group {
    const group: Group = { kind, title, starting, ids: new Set(), ended: new Set() };
    this.groups.add(group);
    return group;
  }

  /** The group of jobs that run here by themselves: one while any of them runs. */
  private unattended(): Group {
    return [...this.groups].find((group) => group.kind === 'other') ?? this.open('other', l10n.t('Luma'));
  }

  private join(group: Group, id: string): void {
    const before = this.groupOf.get(id);
    if (before === group) return;
    if (before) {
      before.ids.delete(id);
      before.ended.delete(id);
      this.closeIfEnded(before);
    }
    group.ids.add(id);
    this.groupOf.set(id, group);
    if (group.kind === 'generate' && !group.progress) {
      group.progress = this.notifier.progress(group.title, () => void this.cancelAll(group));
    }
  }

  /** Notes whether the job still runs here and updates the group's progress line. */
  private follow(group: Group, snapshot: JobSnapshot): void {
    let increment: number | undefined;
    // Retry or Fetch Video while the rest of its Generate still runs: the job runs again, so the
    // group waits for it, and its one message says how it ended this time.
    if (snapshot.here) group.ended.delete(snapshot.job.id);
    if (!snapshot.here && !group.ended.has(snapshot.job.id)) {
      group.ended.add(snapshot.job.id);
      if (group.ids.size > 1) increment = 100 / group.ids.size;
    }
    if (!group.progress) return;
    const snapshots = [...group.ids].map((id) => (id === snapshot.job.id ? snapshot : this.ports.snapshot(id)));
    const text = groupProgressText(snapshots.filter((s): s is JobSnapshot => s !== undefined));
    if (text !== group.lastText || increment) group.progress.report(text, increment);
    group.lastText = text;
  }

  /** When every job of the group has ended here: the progress goes, and the one message comes. */
  private closeIfEnded(group: Group): void {
    if (group.starting || !this.groups.has(group)) return;
    if ([...group.ids].some((id) => !group.ended.has(id))) return;
    this.groups.delete(group);
    group.progress?.done();
    const jobs = [...group.ids].map((id) => this.ports.snapshot(id)?.job).filter((job): job is JobRecord => job !== undefined);
    for (const id of group.ids) if (this.groupOf.get(id) === group) this.groupOf.delete(id);
    this.tell(jobs, group.kind);
  }

  /** The one message about jobs that ended (a group's, or those recovery ended), with its buttons. */
  tell(jobs: JobRecord[], kind: GroupKind = 'other'): void {
    const summary = summarize(jobs, kind);
    if (!summary) return;
    const fetchable = fetchableOf(jobs).length;
    const labels = summary.actions.map((action) => actionLabel(action, fetchable > 1));
    void this.notifier.message(summary.severity, summary.message, labels).then((choice) => {
      const index = choice === undefined ? -1 : labels.indexOf(choice);
      if (index >= 0) this.ports.act(summary.actions[index], jobs);
    });
  }

  /** Cancel on the progress notification: every job of the Generate still running here (a paid one asks first). */
  private cancelAll(group: Group): Promise<void> {
    return this.ports.cancelAll([...group.ids].filter((id) => !group.ended.has(id)));
  }
}
