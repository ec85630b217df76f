// The commands on one job of the Generations view (its buttons and context menu). They take the
// job from the view, or its id from elsewhere (tests, keybindings).
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import { FormPanel, type FormServices } from '../form/formPanel';
import { copyMarkdownLink, openVideo, revealInExplorer, saveVideoAs } from '../host/videoActions';
import type { JobRecord } from '../jobs/job';
import { LumaError } from '../util/lumaError';

export function jobCommands(services: FormServices): Record<string, (arg: unknown) => unknown> {
  const { jobService } = services;
  /** Commands from the view get the job; from elsewhere (tests, keybindings) its id. */
  const jobOf = (arg: unknown): JobRecord | undefined => {
    const id =
      typeof arg === 'string'
        ? arg
        : typeof arg === 'object' && arg !== null && typeof (arg as JobRecord).id === 'string'
          ? (arg as JobRecord).id
          : undefined;
    return id ? jobService.machine.get(id) : undefined;
  };
  const onVideo = (action: (video: vscode.Uri) => Promise<unknown>) => async (arg: unknown) => {
    const job = jobOf(arg);
    if (job?.state === 'done' && job.videoUri) await action(vscode.Uri.parse(job.videoUri));
  };
  /** A command on the job, if there is one. */
  const onJob =
    <T>(action: (job: JobRecord) => T) =>
    (arg: unknown) => {
      const job = jobOf(arg);
      return job ? action(job) : undefined;
    };
  return {
    'lumaVideo.job.openVideo': onVideo(openVideo),
    'lumaVideo.job.revealVideo': onVideo(revealInExplorer),
    'lumaVideo.job.copyMarkdownLink': onVideo(copyMarkdownLink),
    'lumaVideo.job.saveVideoAs': onVideo(saveVideoAs),
    'lumaVideo.job.openImage': onJob(async (job) => {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(job.imageUri));
    }),
    'lumaVideo.job.copyPrompt': onJob((job) => vscode.env.clipboard.writeText(job.options.prompt)),
    'lumaVideo.job.showForm': onJob((job) => FormPanel.createOrShow(services, [vscode.Uri.parse(job.imageUri)])),
    'lumaVideo.job.generateAgain': onJob((job) =>
      FormPanel.createOrShow(services, [vscode.Uri.parse(job.imageUri)], { prefill: job.options }),
    ),
    'lumaVideo.job.retry': onJob(async (job) => {
      try {
        return await jobService.machine.retry(job.id);
      } catch (error) {
        // Refused (the image is busy, or the job list cannot be written): say why.
        if (!(error instanceof LumaError)) throw error;
        void vscode.window.showWarningMessage(l10n.t('Luma: {0}', error.message));
        return undefined;
      }
    }),
    // The paid video, without paying again.
    'lumaVideo.job.fetchVideo': onJob((job) => jobService.machine.fetchPaidVideo(job.id)),
    // Asks before it stops waiting for a paid video.
    'lumaVideo.job.cancel': onJob((job) => jobService.machine.cancel(job.id)),
    // Asks before it forgets a paid video not saved yet.
    'lumaVideo.job.remove': onJob(async (job) => {
      await jobService.machine.remove(job.id);
    }),
  };
}
