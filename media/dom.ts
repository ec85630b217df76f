// Small DOM builders for the webview, over the document they are given (the page's, or a test's).
// Everything is made with createElement/textContent: the CSP allows no inline markup, styles or
// handlers.

export type Attrs = Record<string, string | boolean | undefined>;

export interface Dom {
  document: Document;
  /** An element with attributes (true = present, false/undefined = absent) and children. */
  el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
  button(id: string, text: string, kind: 'primary' | 'secondary', onClick: () => void, attrs?: Attrs): HTMLButtonElement;
  /** A thin bar; `setProgress` fills it, or makes it indeterminate when the percent is unknown. */
  progressBar(label: string): HTMLElement;
}

export function createDom(document: Document): Dom {
  const el: Dom['el'] = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === true) node.setAttribute(name, '');
      else if (typeof value === 'string') node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  };
  return {
    document,
    el,
    button(id, text, kind, onClick, attrs = {}) {
      const node = el('button', { ...attrs, type: 'button', id, class: kind }, text);
      node.addEventListener('click', onClick);
      return node;
    },
    progressBar: (label) => el('div', { class: 'progress', role: 'progressbar', 'aria-label': label }, el('div', { class: 'bar' })),
  };
}

export function setProgress(progress: HTMLElement, percent: number | undefined): void {
  progress.classList.toggle('indeterminate', percent === undefined);
  const bar = progress.firstElementChild as HTMLElement;
  bar.style.width = percent === undefined ? '' : `${percent}%`; // CSSOM, which the CSP allows
  if (percent === undefined) progress.removeAttribute('aria-valuenow');
  else progress.setAttribute('aria-valuenow', String(percent));
}
