// Reading an image for the form: its first bytes and size (what the form decides a conversion
// from), or all of it (what the form converts). Local files are read in part; other file systems
// (remote, virtual) through workspace.fs, whole.
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { HEAD_BYTES, imageFacts } from '../files/imageCheck';
import type { ImageFacts } from '../shared/imagePlan';
import { MAX_CONVERT_BYTES } from '../shared/messages';

/** An image's file name, as jobs, forms and messages show it. */
export const imageName = (image: vscode.Uri) => image.path.split('/').pop() ?? 'image';

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

/** Which version of a file was read: a copy made from another version is not sent. */
export interface FileStamp {
  mtime: number;
  size: number;
}

export async function fileStamp(uri: vscode.Uri): Promise<FileStamp | undefined> {
  try {
    const { mtime, size } = await vscode.workspace.fs.stat(uri);
    return { mtime, size };
  } catch {
    return undefined;
  }
}

export const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined) => !!a && !!b && a.mtime === b.mtime && a.size === b.size;

/** The whole file, for the form to convert, and which version it is; undefined when unreadable or too large to decode. */
export async function readImageForConversion(uri: vscode.Uri): Promise<{ bytes: Uint8Array; stamp: FileStamp } | undefined> {
  try {
    const stamp = await fileStamp(uri);
    if (!stamp || stamp.size > MAX_CONVERT_BYTES) return undefined;
    const read = await vscode.workspace.fs.readFile(uri);
    // Changed while it was read: which version it is is not known.
    if (!sameStamp(stamp, await fileStamp(uri))) return undefined;
    // A plain Uint8Array of its own, not Node's Buffer (which turns into JSON on its way to the
    // webview) nor a view into a larger pool (whose whole buffer would go with it).
    const bytes = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? new Uint8Array(read.buffer) : new Uint8Array(read);
    return { bytes, stamp };
  } catch {
    return undefined;
  }
}
