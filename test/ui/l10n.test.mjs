// The form and a message in Spanish, in a real workbench (code-server) in real Chromium with the
// packaged .vsix. The served VS Code has no language pack, so `--locale es` leaves it (and what
// VS Code gives the extension: `vscode.env.language`, `vscode.l10n.bundle`) English; the server is
// started with LUMA_VIDEO_L10N_PREVIEW=es instead, which makes the extension read its shipped
// l10n/bundle.l10n.es.json through the same lookup and hand it to the form's page.
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  docsImages,
  enterKeyIfAsked,
  formFrame,
  openFormFromPalette,
  screenshotIfFailed,
  startWorkbench,
  explorerRow,
  waitUntil,
} from './workbench.mjs';

const KEY = 'ui-l10n-key-5';

describe('UI: the form and its messages in Spanish', function () {
  let workbench, page;

  before(async () => {
    const before = process.env.LUMA_VIDEO_L10N_PREVIEW;
    process.env.LUMA_VIDEO_L10N_PREVIEW = 'es'; // read once, by the server the workbench starts
    try {
      workbench = await startWorkbench({ key: KEY, generationMs: 1500 });
    } finally {
      if (before === undefined) delete process.env.LUMA_VIDEO_L10N_PREVIEW;
      else process.env.LUMA_VIDEO_L10N_PREVIEW = before;
    }
    page = workbench.page;
    await explorerRow(page, 'cat.png').waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    await workbench?.stop();
  });

  const form = () => formFrame(page);

  it('the form shows its labels, buttons and checks in Spanish', async () => {
    await openFormFromPalette(page, 'cat.png');
    assert.equal(await form().locator('html').getAttribute('lang'), 'es');
    await form().getByRole('button', { name: 'Generar', exact: true }).waitFor();
    await form().getByRole('group', { name: 'Duración' }).waitFor();
    await form().getByText('Mejorar prompt', { exact: true }).waitFor();
    await form().getByText('Avanzado', { exact: true }).waitFor();
    assert.equal(
      await form().getByLabel('Prompt', { exact: true }).getAttribute('placeholder'),
      '¿Qué debe moverse? p. ej., las olas llegan, la cámara se acerca despacio',
    );
    // The check shared with the host (src/shared/options.ts), run in the page by @vscode/l10n's t.
    await form().getByRole('button', { name: 'Generar', exact: true }).click();
    await form().getByText('Describe qué debe moverse, por ejemplo «las olas llegan despacio».').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(docsImages, 'form-es.png') });
  });

  it('a video generated from it ends with a Spanish status in the form and a Spanish message', async () => {
    await form().getByLabel('Prompt', { exact: true }).fill('the cat blinks slowly');
    await form().getByRole('button', { name: 'Generar', exact: true }).click();
    await enterKeyIfAsked(page, KEY);
    await form()
      .getByText(/^Hecho: cat.*\.mp4$/)
      .waitFor({ timeout: 60_000 });
    // The toast, with its buttons, as it first shows (an info toast hides itself after a while).
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /Luma: cat.*\.mp4 está listo\./ });
    const text = await waitUntil('the Spanish completion message', async () =>
      (await toast.count()) > 0 ? toast.first().innerText() : '',
    );
    assert.match(text, /Luma: cat.*\.mp4 está listo\./);
    assert.match(text, /Abrir vídeo/);
    assert.match(text, /Mostrar en el Explorador/);
  });
});
