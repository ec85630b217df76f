// Forms left behind by a dead extension host. When the host crashes or is restarted, VS Code
// starts a new one, but an open form stays bound to the old one: frozen (or blank), its Cancel
// dead, and VS Code never hands it to the new host. A window reload is different: forms come back
// through the serializer, lazily, as each tab is shown. So a form tab that is shown and that no
// live form owns a few seconds later is an orphan: it is closed and a working form opens in its
// place, for the same images, with what was typed there (formDrafts.ts) and the jobs' true state.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import { VIEW_TYPE } from '../shared/messages';
import { FormPanel, FormServices } from './formPanel';

/** A restored form is revived within a fraction of a second of being shown; this leaves room. */
const GRACE_MS = 3000;

function isFormTab(tab: vscode.Tab | undefined): tab is vscode.Tab & { input: vscode.TabInputWebview } {
  // VS Code prefixes extension webview types ("mainThreadWebview-lumaVideo.form").
  return tab?.input instanceof vscode.TabInputWebview && (tab.input.viewType === VIEW_TYPE || tab.input.viewType.endsWith(`-${VIEW_TYPE}`));
}

function isOwned(tab: vscode.Tab): boolean {
  return FormPanel.open
    .all()
    .some(
      (form) => form.panel.title === tab.label && (form.panel.viewColumn === undefined || form.panel.viewColumn === tab.group.viewColumn),
    );
}

export function watchForOrphanedForms(services: FormServices, graceMs = GRACE_MS): vscode.Disposable {
  const pending = new Set<vscode.Tab>();
  let disposed = false;

  const check = () => {
    for (const group of vscode.window.tabGroups.all) {
      const tab = group.activeTab;
      if (!isFormTab(tab) || isOwned(tab) || [...pending].some((other) => other.label === tab.label && other.group === tab.group)) continue;
      pending.add(tab);
      setTimeout(() => {
        pending.delete(tab);
        if (disposed) return;
        const still = tab.group.tabs.find((other) => other.label === tab.label && isFormTab(other) && other.isActive);
        if (still && !isOwned(still)) void replace(services, still);
      }, graceMs);
    }
  };
  const subscriptions = [vscode.window.tabGroups.onDidChangeTabs(check), vscode.window.tabGroups.onDidChangeTabGroups(check)];
  check();
  return {
    dispose() {
      disposed = true;
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

async function replace(services: FormServices, tab: vscode.Tab): Promise<void> {
  const openKeys = new Set(FormPanel.open.all().map((form) => form.key));
  const saved = services.drafts.withTitle(tab.label, openKeys)[0]?.saved;
  let images = saved?.images.map((uri) => vscode.Uri.parse(uri)) ?? [];
  if (images.length === 0) {
    // No draft (an older version opened it): the newest job of an image with that name.
    // "Luma: cat.png", with the colon as the language writes it ("Luma：cat.png" in Chinese).
    const name = tab.label.replace(/^Luma\s*[:：]\s*/, '');
    const job = services.jobService.machine.snapshots().find((snapshot) => snapshot.job.imageName === name)?.job;
    if (job) images = [vscode.Uri.parse(job.imageUri)];
  }
  const viewColumn = tab.group.viewColumn;
  await vscode.window.tabGroups.close(tab, true);
  if (images.length === 0) {
    void vscode.window.showInformationMessage(
      l10n.t('Luma: the form "{0}" stopped working when the extension restarted. Open it again from its ' + 'image.', tab.label),
    );
    return;
  }
  services.log.info(`Rebuilt the form "${tab.label}", which the extension host that ran it left behind.`);
  FormPanel.createOrShow(services, images, { draft: saved?.draft, viewColumn });
}
