/** The file formats a job can ask for, and their media types. */

/** The formats a job may write (`formats` in the request). */
export const videoFormats = ['mp4', 'webm', 'gif'] as const;

/** One of {@link videoFormats}. */
export type ResultFormat = (typeof videoFormats)[number];

/** The `Content-Type` of each format. */
export const resultMediaTypes: Record<ResultFormat, string> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  gif: 'image/gif',
};
