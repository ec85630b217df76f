// The real Notifier: VS Code's messages, progress notifications and status bar messages. In tests
// (never in a packaged extension) it is wrapped by `recording`, which keeps what was shown and
// still shows it, so a test sees exactly what a person would.
import * as vscode from 'vscode';
import type { Notifier, ProgressNotification, Severity } from './notices';

export const vscodeNotifier: Notifier = {
  message(severity, text, actions) {
    if (severity === 'error') return vscode.window.showErrorMessage(text, ...actions);
    if (severity === 'warning') return vscode.window.showWarningMessage(text, ...actions);
    return vscode.window.showInformationMessage(text, ...actions);
  },
  progress(title, onCancel) {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    // VS Code may show the notification a moment later: the last line reported meanwhile goes in then.
    let early: { message?: string; increment: number } | undefined = { increment: 0 };
    let shown: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      shown = progress;
      if (early?.message !== undefined) progress.report(early);
      early = undefined;
      token.onCancellationRequested(onCancel);
      return finished;
    });
    return {
      report(message, increment) {
        if (shown) shown.report({ message, increment });
        else if (early) early = { message, increment: early.increment + (increment ?? 0) };
      },
      done,
    };
  },
  status(text, ms) {
    vscode.window.setStatusBarMessage(text, ms);
  },
};

/** What a notifier was asked to show, in order. */
export interface Notice {
  kind: Severity | 'progress' | 'status';
  text: string;
  actions?: readonly string[];
  /** A progress notification's updates, and whether it has ended. */
  updates?: string[];
  ended?: boolean;
}

/** Shows everything through `inner` and keeps a record of it in `into`. */
export function recording(inner: Notifier, into: Notice[]): Notifier {
  return {
    message(severity, text, actions) {
      into.push({ kind: severity, text, actions: [...actions] });
      return inner.message(severity, text, actions);
    },
    progress(title, onCancel): ProgressNotification {
      const notice: Notice = { kind: 'progress', text: title, updates: [], ended: false };
      into.push(notice);
      const shown = inner.progress(title, onCancel);
      return {
        report(message, increment) {
          notice.updates!.push(message);
          shown.report(message, increment);
        },
        done() {
          notice.ended = true;
          shown.done();
        },
      };
    },
    status(text, ms) {
      into.push({ kind: 'status', text });
      inner.status(text, ms);
    },
  };
}
