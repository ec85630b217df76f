// The view of a job the form shows, from its record and live progress. Kept whole in this one
// file so that it can move next to the job machine as it is; the panel imports it from here only.
import * as vscode from 'vscode';
import { isFetchable } from '../jobs/job';
import type { JobSnapshot } from '../jobs/machine';
import type { JobView } from '../shared/messages';

/** `webview` makes the video's address one the form may load. */
export function toView(snapshot: JobSnapshot, webview: vscode.Webview): JobView {
  const { job, live } = snapshot;
  const active = snapshot.here || snapshot.elsewhere;
  const view: JobView = {
    stage: stageOf(job.state),
    stageStartedAt: live?.stageStartedAt ?? job.updatedAt,
    progress: live?.progress,
    accepted: job.uuid !== undefined,
    fetchable: !active && isFetchable(job) && (job.state === 'failed' || job.state === 'stopped'),
  };
  if (live?.cancelling) view.cancelling = true;
  if (snapshot.elsewhere) view.elsewhere = true;
  // A paid job is fetched, never generated again: its remedy is Fetch Video, not Try Again.
  if (job.state === 'failed')
    view.error = { message: job.error ?? 'Something went wrong.', remedy: job.uuid && job.remedy === 'retry' ? undefined : job.remedy };
  if (job.state === 'cancelled' || job.state === 'stopped') view.note = job.error;
  if (job.state === 'done' && job.videoUri) {
    const video = vscode.Uri.parse(job.videoUri);
    view.video = { src: webview.asWebviewUri(video).toString(), name: video.path.split('/').pop() ?? 'video.mp4' };
  }
  return view;
}

/** The stage the form shows for each state. */
function stageOf(state: JobSnapshot['job']['state']): JobView['stage'] {
  switch (state) {
    case 'requesting':
      return 'generating';
    case 'stopped':
      return 'cancelled';
    default:
      return state;
  }
}
