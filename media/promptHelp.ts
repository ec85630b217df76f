// The two lists above the prompt: the workspace's recent prompts and the motion presets. Picking
// an entry replaces the prompt (which stays editable) and the list goes back to its title.
import { l10n } from '../src/shared/l10n';
import { motionPresets } from '../src/shared/options';
import type { Dom } from './dom';

/** Long prompts are cut in the list; the option's value and tooltip keep the whole text. */
const OPTION_TEXT_MAX = 80;

/** Keys that move through a closed list without opening it. */
const BROWSE_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

export interface PromptHelp {
  root: HTMLElement;
  setRecent(prompts: readonly string[]): void;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > OPTION_TEXT_MAX ? `${oneLine.slice(0, OPTION_TEXT_MAX - 1).trimEnd()}…` : oneLine;
}

function titleOption({ el }: Dom, text: string): HTMLOptionElement {
  return el('option', { value: '' }, text);
}

/** A list with a hidden label: its first option, always shown when closed, says what it is. */
function pickList({ el }: Dom, id: string, label: string, onPick: (prompt: string) => void): { box: HTMLElement; list: HTMLSelectElement } {
  const list = el('select', { id });
  // Arrow keys on a closed list change its value at once (Windows, Linux): resetting it then would
  // keep the person on the first entry, so after such a key the reset waits until they leave.
  let browsing = false;
  list.addEventListener('keydown', (event) => (browsing = BROWSE_KEYS.has(event.key)));
  list.addEventListener('pointerdown', () => (browsing = false));
  list.addEventListener('blur', () => (list.selectedIndex = 0));
  // Not a form field: the form's own input handling should not see these.
  list.addEventListener('input', (event) => event.stopPropagation());
  list.addEventListener('change', (event) => {
    event.stopPropagation();
    if (list.value) onPick(list.value);
    if (!browsing) list.selectedIndex = 0;
  });
  const box = el('span', { class: 'pick' }, el('label', { for: id, class: 'visually-hidden' }, label), list);
  return { box, list };
}

export function buildPromptHelp(dom: Dom, onPick: (prompt: string) => void): PromptHelp {
  const { el } = dom;
  const recent = pickList(dom, 'recent-prompts', l10n.t('Recent prompts'), onPick);
  const presets = pickList(dom, 'presets', l10n.t('Motion presets'), onPick);
  presets.list.append(
    titleOption(dom, l10n.t('Motion presets…')),
    ...motionPresets().map(({ label, prompt }) => el('option', { value: prompt, title: prompt }, label)),
  );
  function setRecent(prompts: readonly string[]): void {
    const texts = prompts.filter((prompt) => typeof prompt === 'string' && prompt.trim() !== '');
    recent.list.replaceChildren(
      titleOption(dom, l10n.t('Recent prompts…')),
      ...texts.map((prompt) => el('option', { value: prompt, title: prompt }, shorten(prompt))),
    );
    recent.box.hidden = texts.length === 0;
  }
  setRecent([]);
  return { root: el('div', { class: 'prompt-help' }, recent.box, presets.box), setRecent };
}
