// What a failed save of a video tells the person: the folder, what went wrong in plain words,
// and which setting or action gets past it. The codes are Node's, whatever file system adapter
// (Node's fs or vscode.workspace.fs) reported them.
import { l10n } from '../shared/l10n';
import { diskError, isDiskError } from '../util/diskErrors';
import { LumaError } from '../util/lumaError';
import { nameBytes } from './naming';

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return l10n.t('permission denied');
    case 'EROFS':
      return l10n.t('read-only');
    case 'ENOSPC':
    case 'EDQUOT':
      return l10n.t('the disk is full');
    case 'ENOTDIR':
    case 'EEXIST':
      return l10n.t('a file is in the way');
    case 'ENOENT':
      return l10n.t('its drive or parent is missing');
    case 'ENAMETOOLONG':
      return l10n.t('its path is too long');
    default:
      return errorCode(error) ?? l10n.t('unknown error');
  }
}

/** A file-system failure while saving in `where`, as the person reads it; any other error as it is. */
export function saveFailure(error: unknown, where: string): unknown {
  if (error instanceof LumaError || typeof errorCode(error) !== 'string') return error;
  if (isDiskError(error)) return diskError(error, where);
  return new LumaError(
    'disk',
    l10n.t(
      'Could not save the video in {0} ({1}). Choose another folder with ' + '"lumaVideo.outputFolder", then try again.',
      where,
      describeFsError(error),
    ),
    { detail: String(error), cause: error },
  );
}

/**
 * Why the folder cannot take this job's videos, found before anything is sent or paid for: names
 * too long for it (`longestBytes`, the longest name the job writes), a character of the image's
 * name it refuses, or no right to write there.
 */
export function probeFailure(error: unknown, where: string, longestBytes: number, imageFileName: string): LumaError {
  const detail = String(error);
  switch (errorCode(error)) {
    case 'ENAMETOOLONG':
      return new LumaError(
        'disk',
        l10n.t(
          "Cannot save videos in {0}: the video's file names would be too long there (up to {1} " +
            'bytes, in a folder whose path is {2} bytes). Rename the image to a shorter name, or ' +
            'choose a folder with a shorter path with the "lumaVideo.outputFolder" setting.',
          where,
          longestBytes,
          nameBytes(where),
        ),
        { detail },
      );
    case 'EINVAL':
    case 'EILSEQ':
      return new LumaError(
        'disk',
        l10n.t(
          "Cannot save videos in {0}: that drive does not allow a character of the image's name " +
            '({1}) in file names. Rename the image, or choose another folder with the ' +
            '"lumaVideo.outputFolder" setting.',
          where,
          imageFileName,
        ),
        { detail },
      );
    default:
      return new LumaError(
        'disk',
        l10n.t(
          'Cannot save videos in {0} ({1}). Choose a folder you can write to with the ' + '"lumaVideo.outputFolder" setting.',
          where,
          describeFsError(error),
        ),
        { detail },
      );
  }
}
