// What was typed in each open form, kept in workspace storage as it changes, so that a form
// whose extension host died (a crash, "Developer: Restart Extension Host") can be rebuilt by the
// next host with the same images and the same text. A form the person closes forgets its draft.
import type * as vscode from 'vscode';
import { FormDraft } from '../shared/messages';
import { isRecord } from '../shared/options';

const KEY = 'lumaVideo.formDrafts';
/** Drafts of forms nobody closed (crashes) are dropped beyond this many, oldest first. */
const MAX_DRAFTS = 50;

export interface SavedDraft {
  /** The panel's title when it was saved, e.g. "Luma: cat.png": how an orphaned tab is recognised. */
  title: string;
  /** The form's images, as URI strings. */
  images: string[];
  draft?: FormDraft;
  savedAt: number;
}

export class FormDrafts {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, SavedDraft> {
    const saved = this.state.get<unknown>(KEY);
    if (!isRecord(saved)) return {};
    const drafts: Record<string, SavedDraft> = {};
    for (const [key, value] of Object.entries(saved)) {
      if (
        !isRecord(value) ||
        typeof value.title !== 'string' ||
        !Array.isArray(value.images) ||
        !value.images.every((image) => typeof image === 'string')
      )
        continue;
      drafts[key] = {
        title: value.title,
        images: value.images as string[],
        draft: isRecord(value.draft) ? (value.draft as unknown as FormDraft) : undefined,
        savedAt: typeof value.savedAt === 'number' ? value.savedAt : 0,
      };
    }
    return drafts;
  }

  save(key: string, entry: Omit<SavedDraft, 'savedAt'>): Thenable<void> {
    const drafts = { ...this.all(), [key]: { ...entry, savedAt: Date.now() } };
    const kept = Object.entries(drafts)
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .slice(0, MAX_DRAFTS);
    return this.state.update(KEY, Object.fromEntries(kept));
  }

  forget(key: string): Thenable<void> {
    const drafts = this.all();
    delete drafts[key];
    return this.state.update(KEY, drafts);
  }

  get(key: string): SavedDraft | undefined {
    return this.all()[key];
  }

  /** The drafts saved under a panel title, newest first, except those of forms open now. */
  withTitle(title: string, openKeys: ReadonlySet<string>): { key: string; saved: SavedDraft }[] {
    return Object.entries(this.all())
      .filter(([key, saved]) => saved.title === title && !openKeys.has(key))
      .sort(([, a], [, b]) => b.savedAt - a.savedAt)
      .map(([key, saved]) => ({ key, saved }));
  }
}
