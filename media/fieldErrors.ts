// Field errors as the form shows them: a message in the field's box, the control marked invalid
// and described by the message, the first one focused.
import type { ImageView } from '../src/shared/messages';
import type { FieldErrors, OptionField } from '../src/shared/options';
import type { Dom } from './dom';
import { ADVANCED, FIELDS, type Fields } from './fields';
import type { PerImagePrompts } from './perImagePrompts';

function markError(dom: Dom, box: HTMLElement, controls: readonly HTMLElement[], errorId: string, message: string | undefined): void {
  dom.document.getElementById(errorId)?.remove();
  if (message) box.append(dom.el('p', { class: 'error', id: errorId }, message));
  for (const control of controls) {
    const describedBy = [control.dataset.hints, message ? errorId : undefined].filter(Boolean).join(' ');
    if (describedBy) control.setAttribute('aria-describedby', describedBy);
    else control.removeAttribute('aria-describedby');
    if (message) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

export function setError(dom: Dom, ui: Fields, field: OptionField, message: string | undefined): void {
  markError(dom, ui.boxes[field], ui.controls[field], `${field}-error`, message);
}

export function setImageError(dom: Dom, perImage: PerImagePrompts | undefined, index: number, message: string | undefined): void {
  if (perImage && index >= 0) markError(dom, perImage.boxes[index], [perImage.inputs[index]], `prompt-${index}-error`, message);
}

/** Replaces all shown errors with these, and focuses the first control (in form order) that has one. */
export function showErrors(
  dom: Dom,
  form: { ui: Fields; images: readonly ImageView[]; perImage: PerImagePrompts | undefined },
  errors: FieldErrors,
  imageErrors: Record<string, string> = {},
): void {
  const { ui, images, perImage } = form;
  for (const field of FIELDS) setError(dom, ui, field, errors[field]);
  images.forEach((image, index) => setImageError(dom, perImage, index, imageErrors[image.uri]));
  // An error inside a closed section would go unseen.
  if (FIELDS.some((field) => errors[field] && ADVANCED.has(field))) ui.advanced.open = true;
  if (perImage && images.some((image) => imageErrors[image.uri])) perImage.details.open = true;
  const first = ui.form.querySelector<HTMLInputElement>('[aria-invalid="true"]');
  // In a radio group, the chosen one.
  const checked =
    first?.getAttribute('type') === 'radio' ? ui.form.querySelector<HTMLElement>(`input[name="${first.name}"]:checked`) : null;
  (checked ?? first)?.focus();
}
