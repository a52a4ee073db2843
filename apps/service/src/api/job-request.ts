/**
 * The body of `POST /v1/jobs`: one zod schema per mode, joined on `mode`. The same schemas validate the
 * requests (through fastify-type-provider-zod) and make the OpenAPI document, so the two cannot drift.
 * The options are the CLI's (`--seed --steps --guidance --fps --frames --size --format`), spelled as JSON.
 */
import { stageNames } from '@mav/cascade';
import { z } from 'zod';
import { videoFormats } from './video-formats.js';

/** The generation modes, as the API names them. */
export const jobModes = ['text', 'animate', 'interpolate', 'extrapolate', 'variations'] as const;

/** One of {@link jobModes}. */
export type JobMode = (typeof jobModes)[number];

/** Largest upload the API accepts by default, per file (decoded bytes). */
export const defaultMaxUploadBytes = 4 * 1024 * 1024;

/** The base64 text of at most `maxBytes` decoded bytes. */
function base64Length(maxBytes: number): number {
  return Math.ceil(maxBytes / 3) * 4;
}

/** A number for every stage, or one per named stage (`{ "decoder": 8 }`). */
function perStage(value: z.ZodNumber) {
  return z.union([value, z.partialRecord(z.enum(stageNames), value)]);
}

/**
 * The job schemas for uploads of at most `maxUploadBytes` each. Built by a function because the limit is
 * the service's option; every instance makes the same OpenAPI shapes.
 */
export function createJobRequestSchema(options: { readonly maxUploadBytes?: number } = {}) {
  const maxUploadBytes = options.maxUploadBytes ?? defaultMaxUploadBytes;
  const upload = (what: string) =>
    z
      .base64()
      .min(4)
      .max(base64Length(maxUploadBytes), {
        message: `the ${what} is larger than ${maxUploadBytes} bytes`,
      })
      .describe(`${what}, base64-encoded (at most ${maxUploadBytes} bytes once decoded)`);
  const image = upload('PNG or JPEG image');
  const prompt = z.string().min(1).max(1000).describe('what the video shows');
  const common = {
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional()
      .describe('random seed (default: a fresh one, reported in the job)'),
    steps: perStage(z.int().min(1).max(1000)).optional().describe('denoising steps, or per stage'),
    guidance: perStage(z.number().min(0).max(100))
      .optional()
      .describe('classifier-free guidance scale, or per stage'),
    fps: z.number().gt(0).max(240).optional().describe('frame rate of the key frames (motion conditioning)'),
    frames: z.int().min(1).max(1024).optional().describe('key frames the decoder makes'),
    size: z
      .union([
        z.int().min(1).max(8192),
        z.strictObject({ width: z.int().min(1).max(8192), height: z.int().min(1).max(8192) }),
      ])
      .optional()
      .describe('output size; the cascade stops at the first stage that reaches it'),
    formats: z
      .array(z.enum(videoFormats))
      .min(1)
      .max(videoFormats.length)
      .refine((formats) => new Set(formats).size === formats.length, { message: 'formats repeat' })
      .optional()
      .describe('files to write (default ["mp4"])'),
  };
  const text = z.strictObject({ mode: z.literal('text'), prompt, ...common });
  const animate = z.strictObject({
    mode: z.literal('animate'),
    image: image.describe('the first frame: a PNG or JPEG image, base64-encoded'),
    prompt: prompt.optional(),
    ...common,
  });
  const interpolate = z.strictObject({
    mode: z.literal('interpolate'),
    first: image.describe('the first frame: a PNG or JPEG image, base64-encoded'),
    last: image.describe('the last frame: a PNG or JPEG image, base64-encoded'),
    prompt: prompt.optional(),
    ...common,
  });
  const extrapolate = z.strictObject({
    mode: z.literal('extrapolate'),
    video: upload('video (MP4, WebM, GIF, ...)'),
    direction: z.enum(['forward', 'backward']).default('forward'),
    inputFrames: z.int().min(1).max(1024).optional().describe('frames read from the start of the video'),
    prompt: prompt.optional(),
    ...common,
  });
  const variations = z
    .strictObject({
      mode: z.literal('variations'),
      prompt: prompt.optional(),
      image: image.optional().describe('vary an image instead of (or as well as) a prompt'),
      count: z.int().min(1).max(16).default(2).describe('how many videos'),
      ...common,
    })
    .refine((body) => body.prompt !== undefined || body.image !== undefined, {
      message: 'variations needs a prompt or an image',
      path: ['prompt'],
    });
  return z.discriminatedUnion('mode', [text, animate, interpolate, extrapolate, variations]);
}

/** A validated job request. */
export type JobRequest = z.output<ReturnType<typeof createJobRequestSchema>>;

/** The fields that carry uploads. */
export const uploadFields = ['image', 'first', 'last', 'video'] as const;

/** One of {@link uploadFields}. */
export type UploadField = (typeof uploadFields)[number];

/** An upload of a request: its field, what it must decode as, and its base64 text. */
export interface Upload {
  readonly field: UploadField;
  readonly kind: 'image' | 'video';
  readonly base64: string;
}

/** The uploads of a request. */
export function uploadsOf(request: JobRequest): Upload[] {
  switch (request.mode) {
    case 'text':
      return [];
    case 'animate':
      return [{ field: 'image', kind: 'image', base64: request.image }];
    case 'interpolate':
      return [
        { field: 'first', kind: 'image', base64: request.first },
        { field: 'last', kind: 'image', base64: request.last },
      ];
    case 'extrapolate':
      return [{ field: 'video', kind: 'video', base64: request.video }];
    case 'variations':
      return request.image === undefined ? [] : [{ field: 'image', kind: 'image', base64: request.image }];
  }
}

/** What an upload field holds once its bytes are stored apart from the queued job. */
export const storedUpload = 'stored';

/**
 * The request as it is queued: each upload replaced by {@link storedUpload} (the bytes are in the shared
 * folder), so that reading or listing jobs never carries megabytes of base64.
 */
export function withStoredUploads(request: JobRequest): JobRequest {
  const stored: Record<string, unknown> = { ...request };
  for (const upload of uploadsOf(request)) stored[upload.field] = storedUpload;
  return stored as JobRequest;
}
