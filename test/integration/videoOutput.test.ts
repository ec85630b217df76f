// The save through vscode.workspace.fs (remote and virtual folders), in the real extension host,
// on a small file system provider of the test's own that, like most drives, takes names of at
// most 255 bytes and has no hard links.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { VideoNames } from '../../src/files/naming';
import { WorkspaceFsOutput } from '../../src/host/videoOutput';
import { LumaError } from '../../src/util/lumaError';

const SCHEME = 'luma-test-mem';
const JOB = '3e0c8a52-7d1b-4c39-9f0e-6a2b5c4d8e71';

/** Files in memory, one flat folder deep; folders are just the prefixes of file paths. */
class MemoryFs implements vscode.FileSystemProvider {
  readonly files = new Map<string, Uint8Array>();
  readonly folders = new Set<string>(['/']);
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(uri.path);
    if (file) return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: file.byteLength };
    if (this.folders.has(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }
  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    return [...this.files.keys()]
      .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => [p.slice(prefix.length), vscode.FileType.File]);
  }
  createDirectory(uri: vscode.Uri): void {
    this.folders.add(uri.path);
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): void {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    if (Buffer.byteLength(name) > 255) throw new vscode.FileSystemError(`ENAMETOOLONG: name too long, open '${uri.path}'`);
    if (this.files.has(uri.path) && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
    this.files.set(uri.path, content);
  }
  delete(uri: vscode.Uri): void {
    if (!this.files.delete(uri.path)) throw vscode.FileSystemError.FileNotFound(uri);
  }
  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): void {
    const file = this.readFile(from);
    if (this.files.has(to.path) && !options.overwrite) throw vscode.FileSystemError.FileExists(to);
    this.files.delete(from.path);
    this.files.set(to.path, file);
  }
}

describe('saving through vscode.workspace.fs (remote and virtual folders)', () => {
  const memory = new MemoryFs();
  let registration: vscode.Disposable;
  const folder = vscode.Uri.from({ scheme: SCHEME, path: '/videos' });
  const names = () =>
    [...memory.files.keys()]
      .filter((p) => p.startsWith('/videos/'))
      .map((p) => p.slice('/videos/'.length))
      .sort();
  const text = (name: string) => Buffer.from(memory.files.get(`/videos/${name}`) ?? []).toString('utf8');

  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, memory);
  });
  after(() => registration.dispose());
  beforeEach(() => memory.files.clear());

  async function downloaded(output: WorkspaceFsOutput, bytes: string): Promise<string> {
    const temp = await output.tempPath();
    await fs.writeFile(temp, bytes);
    return temp;
  }

  it('claims a free name with a placeholder, journals it, then puts the video there; never over an existing one', async () => {
    memory.files.set('/videos/cat.luma.mp4', Buffer.from('an older video'));
    const output = new WorkspaceFsOutput(folder, 'cat.png', JOB);
    await output.prepare();
    let during = '';
    const saved = await output.commit(await downloaded(output, 'the new video'), async (name) => {
      during = text(name);
    });
    assert.equal(saved, 'cat.luma-2.mp4');
    assert.match(during, new RegExp(`^LUMA-VIDEO-PLACEHOLDER job ${JOB} attempt`));
    assert.deepEqual(names(), ['cat.luma-2.mp4', 'cat.luma.mp4']);
    assert.equal(text('cat.luma-2.mp4'), 'the new video');
    assert.equal(text('cat.luma.mp4'), 'an older video');
  });

  it('recover: a placed video is found through the journal; a placeholder and hidden files are removed', async () => {
    const output = new WorkspaceFsOutput(folder, 'cat.png', JOB);
    const journal: string[] = [];
    await output.commit(await downloaded(output, 'video'), async (name) => void journal.push(name));
    assert.equal(await new WorkspaceFsOutput(folder, 'cat.png', JOB).recover(journal.at(-1)), 'cat.luma.mp4');

    // A crash while claiming: a placeholder of this job and its hidden download left behind.
    const job = new VideoNames('cat.png', JOB);
    memory.files.set(`/videos/${job.claiming('00c0ffee', 2)}`, Buffer.from('the whole download'));
    memory.files.set(
      '/videos/cat.luma-2.mp4',
      Buffer.from(
        `LUMA-VIDEO-PLACEHOLDER job ${JOB} attempt 00c0ffee\nA video is being saved under this name. ` +
          'If this file stays, the save was cut off; the job removes it when it runs again.\n',
      ),
    );
    assert.equal(await new WorkspaceFsOutput(folder, 'cat.png', JOB).recover('cat.luma-2.mp4'), undefined);
    assert.deepEqual(names(), ['cat.luma.mp4']);
  });

  it('a 244-character image name is saved under a name the drive takes', async () => {
    const image = `${'a'.repeat(240)}.png`;
    const output = new WorkspaceFsOutput(folder, image, JOB);
    await output.prepare();
    const saved = await output.commit(await downloaded(output, 'video'));
    assert.ok(Buffer.byteLength(saved) <= 255);
    assert.deepEqual(names(), [saved]);
  });

  it('a drive that refuses the names is found out in prepare(), with what to do', async () => {
    const tooLong = new MemoryFs();
    tooLong.writeFile = (uri) => {
      throw new vscode.FileSystemError(`ENAMETOOLONG: name too long, open '${uri.path}'`);
    };
    const scheme = `${SCHEME}-short`;
    const disposable = vscode.workspace.registerFileSystemProvider(scheme, tooLong);
    try {
      const error = await new WorkspaceFsOutput(vscode.Uri.from({ scheme, path: '/videos' }), 'cat.png', JOB).prepare().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof LumaError && error.kind === 'disk', String(error));
      assert.match(
        error.message,
        /file names would be too long there .* Rename the image to a shorter name, or choose a folder with a shorter path/,
      );
    } finally {
      disposable.dispose();
    }
  });
});
