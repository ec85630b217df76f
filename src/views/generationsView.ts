// The "Luma Generations" view: every job of this workspace, newest first, with its image, prompt,
// options, state and video, and the actions a person takes on it.
import * as vscode from 'vscode';
import { isActive, isFetchable, JobRecord, JobState, STAGE_OF } from '../jobs/jobStore';
import { JobService } from '../host/jobService';
import { formatElapsed } from '../protocol';

export const VIEW_ID = 'lumaVideo.generations';

/** The form's stage names, but for a paid job whose waiting was stopped, which says so. */
const stateName = (state: JobState) => (state === 'stopped' ? 'stopped waiting (paid)' : STAGE_OF[state]);

/** "generating 1:23", "downloading 40%", "done": what the view shows as the job's state. */
function stateText(job: JobRecord, jobs: JobService, now = Date.now()): string {
  const live = jobs.live(job.id);
  if ((job.state === 'generating' || job.state === 'requesting') && live) return `generating ${formatElapsed(now - live.stageStartedAt)}`;
  if (job.state === 'downloading' && live?.progress?.total) return `downloading ${Math.floor((100 * live.progress.received) / live.progress.total)}%`;
  // A record that says "running" but no longer runs here was interrupted; resume handles it.
  return stateName(job.state);
}

/** What the view's menus key on: the state and which actions apply. */
export function contextValue(job: JobRecord, jobs: JobService): string {
  const flags = ['lumaJob', job.state];
  const running = jobs.isBusy(job.id);
  // A running job is cancelled first, then removed.
  flags.push(running ? 'cancellable' : 'removable');
  if (job.state === 'done' && job.videoUri) flags.push('hasVideo');
  if (!running && (job.state === 'failed' || job.state === 'cancelled' || job.state === 'stopped' || (isActive(job) && isFetchable(job)))) flags.push('retryable');
  return flags.join(' ');
}

export class GenerationsProvider implements vscode.TreeDataProvider<JobRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobRecord | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly jobs: JobService) {
    jobs.onDidChange(() => this.refresh(), null, this.disposables);
  }

  /** Redraws the list; while jobs run, once a second so elapsed times move. */
  refresh(): void {
    this.changed.fire(undefined);
    if (this.jobs.activeCount > 0 && !this.ticker) this.ticker = setInterval(() => this.refresh(), 1000);
    if (this.jobs.activeCount === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getChildren(element?: JobRecord): JobRecord[] {
    return element ? [] : this.jobs.store.all();
  }

  getTreeItem(job: JobRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(job.imageName, vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.resourceUri = vscode.Uri.parse(job.imageUri); // the image's own file icon
    item.iconPath = vscode.ThemeIcon.File;
    const state = stateText(job, this.jobs);
    item.description = `${state} · ${job.options.prompt}`;
    item.contextValue = contextValue(job, this.jobs);
    item.tooltip = tooltip(job, state);
    item.accessibilityInformation = { label: `${job.imageName}, ${state}, prompt: ${job.options.prompt}` };
    item.command = job.state === 'done' && job.videoUri
      ? { command: 'lumaVideo.job.openVideo', title: 'Open Video', arguments: [job] }
      : { command: 'lumaVideo.job.showForm', title: 'Show Form', arguments: [job] };
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
    `${o.length} s · ${o.modelName} · enhance prompt ${o.enhancePrompt ? 'on' : 'off'}${o.aspectRatio ? ` · ${o.aspectRatio}` : ''}${o.resolution ? ` · ${o.resolution}` : ''}${o.loop ? ' · loop' : ''}`,
  ];
  if (job.videoUri) lines.push('', `Video: ${escape(vscode.workspace.asRelativePath(vscode.Uri.parse(job.videoUri)))}`);
  if (job.error) lines.push('', escape(job.error));
  if (job.uuid) lines.push('', `1min.ai id: \`${job.uuid}\``);
  lines.push('', `Started ${new Date(job.createdAt).toLocaleString()}`);
  return new vscode.MarkdownString(lines.join('\n'));
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
