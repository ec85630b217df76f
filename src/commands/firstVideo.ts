// "Make Your First Video…", the walkthrough's second step: the form on an image of the workspace
// (the active one, or one picked from the workspace's images), or on the sample picture the
// extension ships when the workspace has none or the sample is asked for.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { FormPanel, type FormServices } from '../form/formPanel';
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import { generate } from './generateCommand';
import { activeTabImage, hasWorkspaceImages } from './pickImages';

/** The sample inside the extension, and its name wherever it is copied (the video is named after it). */
export const SAMPLE_IMAGE = { path: ['media', 'walkthrough', 'sample-lake.jpg'], name: 'sample-lake.jpg' };

/** The command's argument that asks for the sample even when the workspace has images. */
export const USE_SAMPLE = 'sample';

export async function firstVideo(services: FormServices, sampleFolder: vscode.Uri, which?: unknown): Promise<FormPanel | undefined> {
  if (which !== USE_SAMPLE && (activeTabImage() || (await hasWorkspaceImages()))) return generate(services);
  let sample: vscode.Uri;
  try {
    sample = await copySample(services.extensionUri, sampleFolder);
  } catch (error) {
    services.log.error(`Could not copy the sample picture: ${String(error)}`);
    void vscode.window.showErrorMessage(
      l10n.t(
        "Luma: could not copy the sample picture into VS Code's storage for this extension ({0}). " +
          'Free some disk space and try again, or open the form on an image of your own: right-click it, "{1}".',
        String((error as Error)?.message ?? error),
        uiNames.generate(),
      ),
    );
    return undefined;
  }
  return FormPanel.createOrShow(services, [sample]);
}

/**
 * The sample, copied into the extension's global storage the first time. Not used where it is:
 * the video is written beside its image, and the extension's own folder may be read-only and is
 * replaced on every update. Not copied into the workspace either: there may be no folder open, and
 * a file the person did not ask for would show up in their project and its source control.
 */
export async function copySample(extensionUri: vscode.Uri, folder: vscode.Uri): Promise<vscode.Uri> {
  const source = vscode.Uri.joinPath(extensionUri, ...SAMPLE_IMAGE.path);
  const target = vscode.Uri.joinPath(folder, SAMPLE_IMAGE.name);
  const [shipped, copied] = await Promise.all([
    vscode.workspace.fs.stat(source),
    vscode.workspace.fs.stat(target).then(undefined, () => undefined),
  ]);
  if (copied?.size !== shipped.size) {
    await vscode.workspace.fs.createDirectory(folder);
    await sweepPartials(folder);
    // Copied under a name of its own, then renamed in one step: a form or an upload reading the
    // sample (another window copying it at the same moment, say) never sees half of it.
    const partial = vscode.Uri.joinPath(folder, `.${SAMPLE_IMAGE.name}.${randomBytes(4).toString('hex')}.partial`);
    try {
      await vscode.workspace.fs.copy(source, partial, { overwrite: false });
      await vscode.workspace.fs.rename(partial, target, { overwrite: true });
    } finally {
      await vscode.workspace.fs.delete(partial).then(undefined, () => undefined);
    }
  }
  return target;
}

/** What a copy cut short by a crash left behind: an old `.partial` (a fresh one may be another window's). */
async function sweepPartials(folder: vscode.Uri): Promise<void> {
  const entries = await vscode.workspace.fs.readDirectory(folder).then(undefined, () => []);
  for (const [name] of entries) {
    if (!name.startsWith(`.${SAMPLE_IMAGE.name}.`) || !name.endsWith('.partial')) continue;
    const partial = vscode.Uri.joinPath(folder, name);
    const stat = await vscode.workspace.fs.stat(partial).then(undefined, () => undefined);
    if (stat && Date.now() - stat.mtime > 60_000) await vscode.workspace.fs.delete(partial).then(undefined, () => undefined);
  }
}
