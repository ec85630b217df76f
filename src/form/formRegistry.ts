// The open forms, one per image or per batch of images, by the set of their images.
import { l10n } from '../shared/l10n';
import type * as vscode from 'vscode';

/** What the registry needs of a form. */
export interface RegisteredForm {
  readonly key: string;
}

/** The same images in any order give the same key. */
export function formKey(images: readonly vscode.Uri[]): string {
  return images
    .map((uri) => uri.toString())
    .sort()
    .join('\n');
}

/** The tab's title: "Luma: cat.png", "Luma: 3 images". */
export function formTitle(images: readonly vscode.Uri[]): string {
  return images.length === 1 ? l10n.t('Luma: {0}', images[0].path.split('/').pop() ?? '') : l10n.t('Luma: {0} images', images.length);
}

export class FormRegistry<T extends RegisteredForm> {
  private readonly forms = new Map<string, T>();
  /** Set while the extension host stops: forms closing then keep their drafts. */
  shuttingDown = false;

  add(form: T): void {
    this.forms.set(form.key, form);
  }

  /** Forgets the form, unless another one has taken its key since. */
  remove(form: T): void {
    if (this.forms.get(form.key) === form) this.forms.delete(form.key);
  }

  get(key: string): T | undefined {
    return this.forms.get(key);
  }

  /** The form showing exactly these images (one image: its own form). */
  find(images: readonly vscode.Uri[]): T | undefined {
    return this.forms.get(formKey(images));
  }

  all(): T[] {
    return [...this.forms.values()];
  }
}
