// The form's page: its HTML under a strict Content-Security-Policy (a nonce for its one script, no
// inline scripts, styles or handlers) and what the webview may load.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { JobSnapshot } from '../jobs/jobStatus';
import { localization } from '../host/l10n';

/** The webview's stylesheets by part, linked in this order (later ones build on earlier ones). */
const STYLESHEETS = ['base.css', 'batch.css', 'fields.css', 'controls.css', 'status.css'];

export function formHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `media-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // The form's translations ride in the page, read before the form is built (media/main.ts); a
  // JSON data block is not run, and `<` is escaped so no text can close it.
  const { language, bundle } = localization();
  const l10nJson = JSON.stringify(bundle ?? {}).replace(/</g, '\\u003c');
  const styles = STYLESHEETS.map((name) => `<link href="${asset('media', 'styles', name)}" rel="stylesheet">`).join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app"></main>
<script type="application/json" id="l10n-bundle" nonce="${nonce}">${l10nJson}</script>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}

/**
 * Scripts on; local files only from the extension's own dist and media folders, the images'
 * folders and the folders this form's jobs saved their videos in (from the job records). Never
 * from the outputFolder setting: a workspace's value would widen what the webview may read.
 */
export function formWebviewOptions(
  extensionUri: vscode.Uri,
  images: readonly vscode.Uri[],
  snapshots: readonly JobSnapshot[],
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  const folders = [
    vscode.Uri.joinPath(extensionUri, 'dist'),
    vscode.Uri.joinPath(extensionUri, 'media'),
    ...images.map((image) => vscode.Uri.joinPath(image, '..')),
  ];
  const keys = new Set(images.map((image) => image.toString()));
  for (const { job } of snapshots) {
    if (keys.has(job.imageUri) && job.state === 'done' && job.videoUri)
      folders.push(vscode.Uri.joinPath(vscode.Uri.parse(job.videoUri), '..'));
  }
  const roots = [...new Map(folders.map((folder) => [folder.toString(), folder])).values()];
  return { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false, enableFindWidget: false };
}

/** Whether `uri` is one of `folders` or inside one (same scheme and authority, whole path segments). */
export function isUnderAny(uri: vscode.Uri, folders: readonly vscode.Uri[]): boolean {
  return folders.some((folder) => {
    if (folder.scheme !== uri.scheme || folder.authority !== uri.authority) return false;
    const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
    return uri.path === folder.path || uri.path.startsWith(base);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
