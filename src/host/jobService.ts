// Runs one generation for VS Code: reads the image through workspace.fs, gets the key, shows a
// cancellable progress notification and the status bar item, and reports each step to a listener
// (the form). The steps themselves are in jobs/generation.ts.

import * as vscode from 'vscode';
import { checkImage } from '../files/imageCheck';
import { JobUpdate, runGeneration } from '../jobs/generation';
import { OneMinClient } from '../onemin/client';
import { cancelled, isCancel, LumaError, redact } from '../onemin/errors';
import type { GenerationOptions } from '../protocol';
import { ApiKeyStore } from './apiKey';
import { readSettings } from './settings';
import { JobStatusBar } from './statusBar';
import { outputFolderFor, videoOutputFor } from './videoOutput';

export type JobOutcome =
  | { kind: 'done'; videoUri: vscode.Uri; uuid: string }
  | { kind: 'failed'; error: LumaError; uuid?: string }
  | { kind: 'cancelled'; uuid?: string };

const STAGE_TEXT: Record<JobUpdate['stage'], string> = {
  uploading: 'uploading the image',
  generating: 'generating',
  downloading: 'downloading the video',
  done: 'done',
};

export class JobService {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: JobStatusBar,
  ) {}

  async run(imageUri: vscode.Uri, options: GenerationOptions, onUpdate: (update: JobUpdate) => void, abort: AbortController): Promise<JobOutcome> {
    const imageName = imageUri.path.split('/').pop() ?? 'image';
    let uuid: string | undefined;
    let apiKey: string | undefined;
    try {
      const settings = readSettings(imageUri);
      const bytes = await readImage(imageUri, imageName);
      const mimeType = checkImage(bytes, imageName, settings.maxImageBytes);
      apiKey = await this.keys.getOrAsk();
      if (!apiKey) {
        throw new LumaError('auth', 'No 1min.ai API key is set, so nothing was sent. Set one with "Luma: Set API Key" and press Generate again.', { remedy: 'setApiKey' });
      }
      if (abort.signal.aborted) throw cancelled();
      const folder = outputFolderFor(imageUri, settings.outputFolder);
      const client = new OneMinClient({ apiBaseUrl: settings.apiBaseUrl, assetBaseUrl: settings.assetBaseUrl, apiKey, log: this.log });
      this.log.info(`Generate ${imageUri.toString(true)} -> ${folder.toString(true)}: "${options.prompt}", ${options.length} s, ${options.modelName}.`);
      const status = this.statusBar.begin(`${imageName}: starting`);
      try {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Luma: ${imageName}`, cancellable: true },
          (progress, token) => {
            token.onCancellationRequested(() => abort.abort());
            let lastStage = '';
            return runGeneration({ bytes, fileName: imageName, mimeType }, options, {
              client,
              output: videoOutputFor(folder, imageName),
              log: this.log,
              signal: abort.signal,
              onAccepted: (id) => (uuid = id),
              onUpdate: (update) => {
                const text = stageText(update);
                if (update.stage !== lastStage || update.stage === 'downloading') progress.report({ message: text });
                lastStage = update.stage;
                status.update(`${imageName}: ${text}`);
                onUpdate(update);
              },
            });
          },
        );
        return { kind: 'done', videoUri: vscode.Uri.joinPath(folder, result.videoName), uuid: result.uuid };
      } finally {
        status.end();
      }
    } catch (error) {
      if (isCancel(error) || abort.signal.aborted) {
        this.log.info(`Cancelled ${imageName}${uuid ? ` (generation ${uuid} was already accepted)` : ''}.`);
        return { kind: 'cancelled', uuid };
      }
      const failure = error instanceof LumaError ? error : new LumaError('disk', 'Something unexpected went wrong; the details are in the "Luma Image to Video" output.', { detail: String(error) });
      this.log.error(`Failed ${imageName}: ${redact(failure.message, apiKey)}${failure.detail ? ` [${redact(failure.detail, apiKey)}]` : ''}`);
      if (!(error instanceof LumaError) && error instanceof Error && error.stack) this.log.error(redact(error.stack, apiKey));
      return { kind: 'failed', error: failure, uuid };
    }
  }
}

function stageText(update: JobUpdate): string {
  if (update.stage === 'downloading' && update.progress && update.progress.total > 0) {
    return `${STAGE_TEXT.downloading} (${Math.floor((100 * update.progress.received) / update.progress.total)}%)`;
  }
  return STAGE_TEXT[update.stage];
}

/** Reads the image through workspace.fs, so remote and virtual workspaces work too. */
async function readImage(uri: vscode.Uri, name: string): Promise<Uint8Array> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      throw new LumaError('input', `${name} is no longer there (moved or deleted?). Choose the image again.`, { detail: String(error) });
    }
    throw new LumaError('input', `${name} could not be read. Check that you can open it, then try again.`, { detail: String(error) });
  }
}
