// Failures writing the video, in words that say what to do.
import { LumaError } from './lumaError';

export function isDiskError(error: unknown): boolean {
  return ['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException)?.code ?? '');
}

export function diskError(error: unknown, filePath: string): LumaError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : code === 'EROFS' ? 'the folder is read-only' : 'permission was denied';
  return new LumaError(
    'disk',
    `Could not write the video (${why}). Free some space or choose another folder with "lumaVideo.outputFolder", then try again.`,
    { detail: `${code} writing ${filePath}`, cause: error },
  );
}
