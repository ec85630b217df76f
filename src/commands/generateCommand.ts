// "Generate Video from Image…": opens the form for the images the command was invoked on, or for
// one picked from the workspace.
import { l10n } from '../shared/l10n';
import * as vscode from 'vscode';
import { FormPanel, type FormServices } from '../form/formPanel';
import { imagesFromInvocation, isImageUri, pickImage } from './pickImages';

/** One form takes at most this many images; more is almost surely a slip. */
const MAX_BATCH = 100;

export async function generate(services: FormServices, first?: unknown, selection?: unknown): Promise<FormPanel | undefined> {
  let images = imagesFromInvocation(first, selection);
  if (images.length === 0) {
    if (first instanceof vscode.Uri && !isImageUri(first)) {
      void vscode.window.showWarningMessage(
        l10n.t('Luma: {0} is not a PNG, JPEG or WebP image. Choose one of those.', String(first.path.split('/').pop())),
      );
      return undefined;
    }
    const picked = await pickImage();
    if (!picked) return undefined;
    images = [picked];
  }
  if (images.length > MAX_BATCH) {
    void vscode.window.showWarningMessage(
      l10n.t('Luma: one form takes up to {0} images; it opened with the first {0} of the {1} selected.', MAX_BATCH, images.length),
    );
    images = images.slice(0, MAX_BATCH);
  }
  return FormPanel.createOrShow(services, images);
}
