// The workspace's recent prompts, newest first, which every form offers under "Recent prompts".
import type * as vscode from 'vscode';
import { MAX_RECENT_PROMPTS } from '../shared/options';

const RECENT_PROMPTS_KEY = 'lumaVideo.recentPrompts';

export function recentPrompts(state: vscode.Memento): string[] {
  const saved = state.get<unknown>(RECENT_PROMPTS_KEY);
  return Array.isArray(saved) ? saved.filter((item): item is string => typeof item === 'string').slice(0, MAX_RECENT_PROMPTS) : [];
}

/** Puts these prompts (the last one newest) in front, each once; answers the list kept. */
export async function rememberPrompts(state: vscode.Memento, prompts: readonly string[]): Promise<string[]> {
  const recent = [...new Set([...[...prompts].reverse(), ...recentPrompts(state)])].slice(0, MAX_RECENT_PROMPTS);
  await state.update(RECENT_PROMPTS_KEY, recent);
  return recent;
}
