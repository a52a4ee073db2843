/**
 * What the API says about a job (`GET /v1/jobs/{id}`, the list, the SSE events), as zod schemas that
 * serialise the responses and document them in the OpenAPI document.
 */
import { z } from 'zod';
import { jobModes } from './job-request.js';
import { videoFormats } from './video-formats.js';

/** The states of a job, in the order they can happen. */
export const jobStates = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

/** One of {@link jobStates}. */
export type JobState = (typeof jobStates)[number];

/** The states a job never leaves. */
export const finishedStates: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

/** Where a running job is: the stage, its step, and an estimate of the time left. */
export const jobProgressSchema = z.object({
  stage: z.string().describe('the cascade stage running (textEncoder, prior, decoder, ...)'),
  step: z.int().describe('steps of this stage done, 1 … totalSteps'),
  totalSteps: z.int(),
  fraction: z.number().min(0).max(1).describe('estimated share of the whole job done'),
  etaSeconds: z.number().min(0).nullable().describe('estimated seconds left; null before the first step'),
});

/** Progress of a running job. */
export type JobProgress = z.output<typeof jobProgressSchema>;

/** One file a finished job wrote. */
export const jobFileSchema = z.object({
  index: z.int().min(1).describe('1 for a single video; 1 … count for variations'),
  format: z.enum(videoFormats),
  bytes: z.int().min(0),
  numFrames: z.int(),
  width: z.int(),
  height: z.int(),
  fps: z.number(),
  url: z.string().describe('where to download it'),
});

/** A file of a finished job. */
export type JobFile = z.output<typeof jobFileSchema>;

/** Why a job failed: the typed error's code and message. */
export const jobErrorSchema = z.object({
  code: z.string().describe('e.g. insufficient-memory, corrupt-input, invalid-option, internal'),
  message: z.string(),
});

/** The error of a failed job. */
export type JobError = z.output<typeof jobErrorSchema>;

/** A job as the API shows it. */
export const jobViewSchema = z.object({
  id: z.uuid(),
  mode: z.enum(jobModes),
  state: z.enum(jobStates),
  seed: z.int(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  attempts: z.int().describe('times a worker started it (more than 1 after a worker died)'),
  progress: jobProgressSchema.nullable(),
  files: z.array(jobFileSchema).describe('empty until the job is done'),
  error: jobErrorSchema.nullable().describe('set when the job failed or was cancelled'),
});

/** A job as the API shows it. */
export type JobView = z.output<typeof jobViewSchema>;

/** `GET /v1/jobs` */
export const jobListSchema = z.object({ jobs: z.array(jobViewSchema) });
