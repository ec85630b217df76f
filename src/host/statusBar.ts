// One status bar item while jobs are queued or running ("Luma: 2 running, 3 queued"); clicking
// it shows the Generations view. Hidden when nothing runs.
import * as vscode from 'vscode';

export class JobStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lumaVideo.jobs', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Luma Image to Video';
    this.item.command = 'lumaVideo.showGenerations';
  }

  /** `running`: what each running job is doing, e.g. "cat.png: generating". */
  show(running: string[], queued: number): void {
    if (running.length === 0 && queued === 0) {
      this.item.hide();
      return;
    }
    this.item.text =
      running.length === 1 && queued === 0
        ? `$(loading~spin) Luma: ${running[0]}`
        : `$(loading~spin) Luma: ${running.length} running${queued ? `, ${queued} queued` : ''}`;
    this.item.tooltip = [...running, ...(queued ? [`${queued} queued`] : []), 'Click to show Luma Generations'].join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
