// What the extension shows outside its own views, in the real extension host: every message,
// progress notification and status bar message goes through VS Code's API as a person would see
// it, and (under test only) is also kept in the test API's `notices`, in order.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Notice } from '../../src/host/notifier';
import { generationOptions } from '../support/fixtures';
import { until, withSuite, workspaceFile } from './helpers';

const KEY = 'notifications-key-7';

describe('notifications: one per Generate', function () {
  this.timeout(90_000);
  const suite = withSuite(KEY, 300);

  /** What was shown from now on. */
  const shownFrom = (start: number): Notice[] => suite.api.notices.slice(start);

  it('a batch of three from its form: exactly one progress notification and one completion message', async () => {
    const images = [workspaceFile('beach.jpg'), workspaceFile('cat.png'), workspaceFile('sunset photo.PNG')];
    await vscode.commands.executeCommand('lumaVideo.generate', images[0], images);
    const form = await until('the form', () => suite.api.formFor(...images));
    const start = suite.api.notices.length;
    await form.messages.receive({ type: 'generate', id: 1, options: { ...generationOptions, prompt: 'three at once' } });
    await form.whenIdle();
    await until('the completion message', () => shownFrom(start).find((notice) => notice.kind !== 'progress'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything late would come now
    const shown = shownFrom(start);
    const progress = shown.filter((notice) => notice.kind === 'progress');
    assert.equal(progress.length, 1, JSON.stringify(shown));
    assert.equal(progress[0].ended, true, 'the progress notification has gone');
    assert.ok(progress[0].updates?.some((text) => text.startsWith('3 videos: ')));
    assert.deepEqual(
      shown.filter((notice) => notice.kind !== 'progress'),
      [{ kind: 'info', text: 'Luma: all 3 videos of the batch are ready.', actions: ['Show Generations'] }],
    );
    assert.equal(suite.sim.featureCalls, 3);
  });

  it('Set API Key and Clear API Key confirm in the status bar, not in a notification', async () => {
    const start = suite.api.notices.length;
    await vscode.commands.executeCommand('lumaVideo.clearApiKey');
    assert.equal(await suite.api.hasApiKey(), false);
    await vscode.commands.executeCommand('lumaVideo.setApiKey', KEY);
    assert.equal(await suite.api.hasApiKey(), true);
    assert.deepEqual(shownFrom(start), [
      { kind: 'status', text: 'Luma: API key cleared.' },
      { kind: 'status', text: 'Luma: API key saved.' },
    ]);
  });
});
