// Reading an image for the form: its first bytes and size (what the form decides a conversion
// from), or all of it (what the form converts). Local files are read in part; other file systems
// (remote, virtual) through workspace.fs, whole.
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { HEAD_BYTES, imageFacts } from '../files/imageCheck';
import type { ImageFacts } from '../shared/imagePlan';
import { MAX_CONVERT_BYTES } from '../shared/messages';

/** The format, size and long side of an image file; undefined when it cannot be read. */
export async function readImageFacts(uri: vscode.Uri): Promise<ImageFacts | undefined> {
  try {
    if (uri.scheme === 'file') {
      const handle = await fs.open(uri.fsPath, 'r');
      try {
        const { size } = await handle.stat();
        const head = new Uint8Array(Math.min(size, HEAD_BYTES));
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        return imageFacts(head.subarray(0, bytesRead), size);
      } finally {
        await handle.close();
      }
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    return imageFacts(bytes.subarray(0, HEAD_BYTES), bytes.byteLength);
  } catch {
    return undefined;
  }
}

/** The whole file, for the form to convert; undefined when unreadable or too large to decode. */
export async function readImageForConversion(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_CONVERT_BYTES) return undefined;
    const bytes = await vscode.workspace.fs.readFile(uri);
    // A plain view, not Node's Buffer: a Buffer turns into JSON on its way to the webview, not bytes.
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return undefined;
  }
}
