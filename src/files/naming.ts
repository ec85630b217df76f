// Where a video goes and what it is called: `<image stem>.luma.mp4`, then `.luma-2.mp4`, … so that
// nothing is ever overwritten.

const VIDEO_SUFFIX = '.luma';

/** "cat.png" -> "cat"; "photo.final.JPG" -> "photo.final"; ".hidden" stays ".hidden". */
export function imageStem(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** The n-th candidate name (1-based) for the video of `imageFileName`. */
export function videoFileName(imageFileName: string, n: number): string {
  const stem = imageStem(imageFileName);
  return n <= 1 ? `${stem}${VIDEO_SUFFIX}.mp4` : `${stem}${VIDEO_SUFFIX}-${n}.mp4`;
}

/** What a place attempt reports: put there, or something already has that name. */
export type PlaceResult = 'placed' | 'exists';

/**
 * Tries candidate names in order until `place` puts the file under one. `place` must fail with
 * 'exists' atomically (link, rename without overwrite), so two jobs racing for a name each end
 * up with their own.
 */
export async function placeUnderFreeName(imageFileName: string, place: (name: string) => Promise<PlaceResult>, limit = 1000): Promise<string> {
  for (let n = 1; n <= limit; n++) {
    const name = videoFileName(imageFileName, n);
    if ((await place(name)) === 'placed') return name;
  }
  throw new Error(`More than ${limit} videos of ${imageFileName} already exist here; move some away and try again.`);
}
