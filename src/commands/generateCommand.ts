// "Generate Video from Image…": opens the form for the images the command was invoked on, or for
// one picked from the workspace.
import * as vscode from 'vscode';
import { FormPanel, type FormServices } from '../form/formPanel';
import { imagesFromInvocation, isImageUri, pickImage } from './pickImages';

/** One form takes at most this many images; more is almost surely a slip. */
const MAX_BATCH = 100;

export async function generate(services: FormServices, first?: unknown, selection?: unknown): Promise<FormPanel | undefined> {
  let images = imagesFromInvocation(first, selection);
  if (images.length === 0) {
    if (first instanceof vscode.Uri && !isImageUri(first)) {
      void vscode.window.showWarningMessage(`Luma: ${first.path.split('/').pop()} is not a PNG, JPEG or WebP image. Choose one of those.`);
      return undefined;
    }
    const picked = await pickImage();
    if (!picked) return undefined;
    images = [picked];
  }
  if (images.length > MAX_BATCH) {
    void vscode.window.showWarningMessage(
      `Luma: one form takes up to ${MAX_BATCH} images; it opened with the first ${MAX_BATCH} of the ${images.length} selected.`,
    );
    images = images.slice(0, MAX_BATCH);
  }
  return FormPanel.createOrShow(services, images);
}
