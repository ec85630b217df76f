// Failures writing the video, in words that say what to do.
import { l10n } from '../shared/l10n';
import { LumaError } from './lumaError';

export function isDiskError(error: unknown): boolean {
  return ['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException)?.code ?? '');
}

export function diskError(error: unknown, filePath: string): LumaError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? l10n.t('the disk is full')
      : code === 'EROFS'
        ? l10n.t('the folder is read-only')
        : l10n.t('permission was denied');
  return new LumaError(
    'disk',
    l10n.t(
      'Could not write the video ({0}). Free some space or choose another folder with ' + '"lumaVideo.outputFolder", then try again.',
      why,
    ),
    { detail: `${code} writing ${filePath}`, cause: error },
  );
}
