// One status bar item while any job runs, saying what runs; hidden when nothing does.
import * as vscode from 'vscode';

export class JobStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lumaVideo.jobs', vscode.StatusBarAlignment.Left, 10);
  private readonly running = new Map<number, string>();
  private nextId = 1;

  constructor() {
    this.item.name = 'Luma Image to Video';
  }

  /** Marks a job as running under `label` until the returned function is called. */
  begin(label: string): { update(label: string): void; end(): void } {
    const id = this.nextId++;
    this.running.set(id, label);
    this.render();
    return {
      update: (next) => {
        if (this.running.has(id)) {
          this.running.set(id, next);
          this.render();
        }
      },
      end: () => {
        this.running.delete(id);
        this.render();
      },
    };
  }

  private render(): void {
    if (this.running.size === 0) {
      this.item.hide();
      return;
    }
    const labels = [...this.running.values()];
    this.item.text = labels.length === 1 ? `$(loading~spin) Luma: ${labels[0]}` : `$(loading~spin) Luma: ${labels.length} videos running`;
    this.item.tooltip = labels.join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
