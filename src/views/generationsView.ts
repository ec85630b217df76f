// The "Luma Generations" view: every job of this workspace, newest first, with its image, prompt,
// options, state and video, and the actions a person takes on it.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import { isFetchable, JobRecord } from '../jobs/job';
import { isRunning, isUnfinished, JobSnapshot, listStateText } from '../jobs/jobStatus';
import { JobService } from '../host/jobService';

export const VIEW_ID = 'lumaVideo.generations';

/** What the view's menus key on: the state and which actions apply. */
export function contextValue(snapshot: JobSnapshot): string {
  const { job } = snapshot;
  const flags = ['lumaJob', job.state];
  const running = isRunning(snapshot);
  // A running job is cancelled first, then removed; one running in another window is cancelled there.
  if (snapshot.here) flags.push('cancellable');
  if (!running && !isUnfinished(job)) flags.push('removable');
  if (job.state === 'done' && job.videoUri) flags.push('hasVideo');
  const ended = job.state === 'failed' || job.state === 'cancelled' || job.state === 'stopped';
  // A paid job is fetched, never generated again: it offers Fetch Video where another offers Retry.
  if (!running && (ended || isUnfinished(job))) {
    if (isFetchable(job)) flags.push('fetchable');
    else if (ended) flags.push('retryable');
  }
  return flags.join(' ');
}

export class GenerationsProvider implements vscode.TreeDataProvider<JobRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobRecord | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly jobService: JobService) {
    jobService.onDidChange(() => this.refresh(), null, this.disposables);
  }

  /** Redraws the list; while jobs run, once a second so elapsed times move. */
  refresh(): void {
    this.changed.fire(undefined);
    const counts = this.jobService.machine.counts();
    const active = counts.running + counts.queued + counts.elsewhere > 0;
    if (active && !this.ticker) this.ticker = setInterval(() => this.refresh(), 1000);
    if (!active && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getChildren(element?: JobRecord): JobRecord[] {
    if (element) return [];
    // Shown: keep up with what other windows of this workspace do.
    this.jobService.machine.watchOtherWindows();
    return this.jobService.machine.snapshots().map((snapshot) => snapshot.job);
  }

  getTreeItem(record: JobRecord): vscode.TreeItem {
    const snapshot = this.jobService.machine.snapshot(record.id) ?? { job: record, here: false, elsewhere: false };
    const { job } = snapshot;
    const item = new vscode.TreeItem(job.imageName, vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.resourceUri = vscode.Uri.parse(job.imageUri); // the image's own file icon
    item.iconPath = vscode.ThemeIcon.File;
    const state = listStateText(snapshot);
    item.description = `${state} · ${job.options.prompt}`;
    item.contextValue = contextValue(snapshot);
    item.tooltip = tooltip({ ...job, error: job.error && this.jobService.redact(job.error) }, state);
    item.accessibilityInformation = { label: l10n.t('{0}, {1}, prompt: {2}', job.imageName, state, job.options.prompt) };
    item.command =
      job.state === 'done' && job.videoUri
        ? { command: 'lumaVideo.job.openVideo', title: l10n.t('Open Video'), arguments: [job] }
        : { command: 'lumaVideo.job.showForm', title: l10n.t('Show Form'), arguments: [job] };
    return item;
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.changed.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function tooltip(job: JobRecord, state: string): vscode.MarkdownString {
  const o = job.options;
  const lines = [
    `**${escape(job.imageName)}** — ${escape(state)}`,
    '',
    escape(o.prompt),
    '',
    [
      `${o.length} s`,
      o.modelName,
      o.enhancePrompt ? l10n.t('enhance prompt on') : l10n.t('enhance prompt off'),
      ...(o.aspectRatio ? [o.aspectRatio] : []),
      ...(o.resolution ? [o.resolution] : []),
      ...(o.loop ? [l10n.t('loop')] : []),
    ].join(' · '),
  ];
  if (job.videoUri) lines.push('', l10n.t('Video: {0}', escape(vscode.workspace.asRelativePath(vscode.Uri.parse(job.videoUri)))));
  if (job.error) lines.push('', escape(job.error));
  if (job.uuid) lines.push('', l10n.t('1min.ai id: {0}', `\`${job.uuid}\``));
  lines.push('', l10n.t('Started {0}', new Date(job.createdAt).toLocaleString()));
  return new vscode.MarkdownString(lines.join('\n'));
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
