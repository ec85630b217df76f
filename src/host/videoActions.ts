// What a person does with a finished video, from the form, the notification or the Generations
// view: open it, reveal it, copy a Markdown link to it, save a copy elsewhere.
import { l10n } from '../shared/l10n';
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function openVideo(uri: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
}

export async function revealInExplorer(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/**
 * A Markdown link to the video, relative to the Markdown file being edited if there is one (so it
 * works pasted there), else to the video's workspace folder; absolute outside any workspace.
 */
function markdownLink(video: vscode.Uri, activeDocument?: vscode.Uri): string {
  const name = path.posix.basename(video.path);
  let base: string | undefined;
  if (
    activeDocument &&
    activeDocument.scheme === video.scheme &&
    activeDocument.authority === video.authority &&
    /\.(md|markdown|mdx)$/i.test(activeDocument.path)
  ) {
    base = path.posix.dirname(activeDocument.path);
  } else {
    base = vscode.workspace.getWorkspaceFolder(video)?.uri.path;
  }
  const target = base === undefined ? video.toString() : path.posix.relative(base, video.path).split('/').map(encodeURIComponent).join('/');
  return `[${name.replace(/[[\]]/g, '\\$&')}](${target})`;
}

export async function copyMarkdownLink(video: vscode.Uri): Promise<string> {
  const link = markdownLink(video, vscode.window.activeTextEditor?.document.uri);
  await vscode.env.clipboard.writeText(link);
  void vscode.window.setStatusBarMessage(l10n.t('Luma: copied {0}', link), 4000);
  return link;
}

/** Saves a copy where the person chooses (the save dialog asks before replacing a file). */
export async function saveVideoAs(video: vscode.Uri): Promise<vscode.Uri | undefined> {
  // Start from "<name> copy.mp4" beside it, so accepting at once makes a copy rather than nothing.
  const suggested = vscode.Uri.joinPath(video, '..', `${path.posix.basename(video.path, '.mp4')} copy.mp4`);
  const target = await vscode.window.showSaveDialog({
    defaultUri: suggested,
    filters: { [l10n.t('MP4 video')]: ['mp4'] },
    title: l10n.t('Save Video As'),
    saveLabel: l10n.t('Save Video'),
  });
  if (!target || target.toString() === video.toString()) return undefined;
  await vscode.workspace.fs.copy(video, target, { overwrite: true });
  return target;
}
