// The form and a message in Spanish, in a real workbench (code-server) in real Chromium with the
// packaged .vsix, VS Code started in Spanish (`--locale es` and a language pack for it, see
// scripts/language-pack.mjs, whose translation of VS Code's own words is empty: the workbench's
// words stay English, the extension's are Spanish, all through VS Code's own lookup).
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  docsImages,
  enterKeyIfAsked,
  formFrame,
  openFormFromPalette,
  screenshotIfFailed,
  startWorkbench,
  waitUntil,
} from './workbench.mjs';

const KEY = 'ui-l10n-key-5';

describe('UI: the form and its messages in Spanish', function () {
  let workbench, page;

  before(async () => {
    workbench = await startWorkbench({ key: KEY, generationMs: 1500, locale: 'es' });
    page = workbench.page;
  });

  afterEach(async function () {
    await screenshotIfFailed(page, this.currentTest);
  });

  after(async () => {
    await workbench?.stop();
  });

  const form = () => formFrame(page);

  it('the form shows its labels, buttons and checks in Spanish', async () => {
    // The Command Palette lists the command by its Spanish title, and its Quick Pick says the same.
    const title = 'Luma: Generar vídeo a partir de imagen…';
    await openFormFromPalette(page, 'cat.png', title);
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
