// One status bar item while jobs are queued or running ("Luma: 2 running, 3 queued"); clicking
// it shows the Generations view. Hidden when nothing runs.
import { l10n } from '../shared/l10n';
import { stageCount } from '../shared/stages';
import { uiNames } from '../shared/uiNames';
import * as vscode from 'vscode';

export class JobStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lumaVideo.jobs', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = l10n.t('Luma Image to Video');
    this.item.command = 'lumaVideo.showGenerations';
  }

  /** `running`: what each running job is doing, e.g. "cat.png: generating". */
  show(running: string[], queued: number): void {
    if (running.length === 0 && queued === 0) {
      this.item.hide();
      return;
    }
    const text =
      running.length === 1 && queued === 0
        ? l10n.t('Luma: {0}', running[0])
        : queued
          ? l10n.t('Luma: {0} running, {1} queued', running.length, queued)
          : l10n.t('Luma: {0} running', running.length);
    this.item.text = `$(loading~spin) ${text}`;
    const tooltip = [...running, ...(queued ? [stageCount('queued', queued)] : []), l10n.t('Click to show {0}', uiNames.generationsView())];
    this.item.tooltip = tooltip.join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
