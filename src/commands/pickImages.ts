// Which images a "Generate Video from Image…" invocation is about: the Explorer's selection, the
// editor tab's resource, the active image preview (its right-click menu passes no URI), or, from
// the Command Palette with nothing in hand, a Quick Pick of the workspace's images.
import { l10n } from '../shared/l10n';
import { uiNames } from '../shared/uiNames';
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS } from '../files/imageCheck';

const IMAGE_PATTERN = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');
const IMAGE_GLOB = `**/*.{${IMAGE_EXTENSIONS.flatMap((ext) => [ext, ext.toUpperCase()]).join(',')}}`;
const EXCLUDE = '**/{node_modules,.git}/**';
const BROWSE = 'browse';

export function isImageUri(uri: vscode.Uri): boolean {
  return IMAGE_PATTERN.test(uri.path);
}

/** The images the command was invoked on, from its arguments or the active tab. */
export function imagesFromInvocation(first: unknown, selection: unknown): vscode.Uri[] {
  if (Array.isArray(selection) && selection.length > 0 && selection.every((item) => item instanceof vscode.Uri)) {
    return (selection as vscode.Uri[]).filter(isImageUri);
  }
  if (first instanceof vscode.Uri) return isImageUri(first) ? [first] : [];
  const active = activeTabImage();
  return active ? [active] : [];
}

/** The image shown in the active editor tab: the built-in image preview, or any tab on an image. */
export function activeTabImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && isImageUri(uri) ? uri : undefined;
}

/** Whether the workspace holds any PNG, JPEG or WebP image (false with no folder open). */
export async function hasWorkspaceImages(): Promise<boolean> {
  const found = await vscode.workspace.findFiles(IMAGE_GLOB, EXCLUDE, 1).then(undefined, () => []);
  return found.length > 0;
}

/** Quick Pick of the workspace's images with a "Browse…" entry; undefined when dismissed. */
export async function pickImage(): Promise<vscode.Uri | undefined> {
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri; id?: string };
  const picker = vscode.window.createQuickPick<Item>();
  picker.title = uiNames.generateCommand();
  picker.placeholder = l10n.t('Choose an image to animate');
  picker.matchOnDescription = true;
  picker.busy = true;
  const browse: Item = {
    label: `$(folder-opened) ${l10n.t('Browse…')}`,
    description: l10n.t('Choose an image file'),
    alwaysShow: true,
    id: BROWSE,
  };
  picker.items = [browse];
  picker.show();
  const found = vscode.workspace.findFiles(IMAGE_GLOB, EXCLUDE, 2000).then(
    (uris) => uris.sort((a, b) => a.path.localeCompare(b.path)),
    () => [] as vscode.Uri[],
  );
  void found.then((uris) => {
    picker.items = [
      ...uris.map(
        (uri): Item =>
          ({
            label: uri.path.split('/').pop() ?? uri.path,
            description: vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
            uri,
            iconPath: vscode.ThemeIcon.File,
            resourceUri: uri,
          }) as Item,
      ),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      browse,
    ];
    picker.busy = false;
    if (uris.length === 0) picker.placeholder = l10n.t('No PNG, JPEG or WebP images in this workspace: browse for one');
  });
  const choice = await new Promise<Item | undefined>((resolve) => {
    picker.onDidAccept(() => resolve(picker.selectedItems[0]));
    picker.onDidHide(() => resolve(undefined));
  });
  picker.dispose();
  if (!choice) return undefined;
  if (choice.id !== BROWSE) return choice.uri;
  const picked = await vscode.window.showOpenDialog({
    title: l10n.t('Choose an image to animate'),
    canSelectMany: false,
    openLabel: l10n.t('Generate Video'),
    filters: { [l10n.t('Images')]: [...IMAGE_EXTENSIONS] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}
