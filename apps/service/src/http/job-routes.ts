/**
 * The job routes: create (`POST /v1/jobs`), list, read, cancel, stream progress (SSE) and download the
 * result. Every input is validated by the zod schemas of `api/` (which also make the OpenAPI document);
 * job ids are the service's own UUIDs, and file paths are built only from checked values.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createJobRequestSchema, uploadsOf, withStoredUploads } from '../api/job-request.js';
import { jobListSchema, jobStates, jobViewSchema } from '../api/job-view.js';
import { errorBodySchema, ServiceError } from '../api/service-error.js';
import { resultMediaTypes, videoFormats } from '../api/video-formats.js';
import type { JobQueue, JobSnapshot } from '../queue/job-queue.js';
import type { ResultDirectory } from '../results/result-directory.js';
import { checkUploads, type UploadLimits } from './check-uploads.js';
import { streamJobEvents } from './job-event-stream.js';
import { jobPath, jobViewOf } from './job-view-of.js';

/** What the job routes work with. */
export interface JobRoutesOptions extends UploadLimits {
  readonly queue: JobQueue;
  readonly results: ResultDirectory;
}

const idParams = z.object({ id: z.uuid({ message: 'not a job id (a UUID)' }) });

const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  413: errorBodySchema,
  415: errorBodySchema,
  422: errorBodySchema,
  429: errorBodySchema,
};

function notFound(id: string): ServiceError {
  return ServiceError.field(404, 'job-not-found', 'params.id', `no job ${id}`);
}

/** Registers the job routes. */
export const jobRoutes: FastifyPluginAsyncZod<JobRoutesOptions> = async (app, options) => {
  const { queue, results } = options;

  app.post('/v1/jobs', {
    schema: {
      summary: 'Queue a generation job',
      description:
        'Queues a job for any mode. Images (PNG, JPEG) and videos are base64 strings; each is decoded and checked before the job is queued. Answers 202 with the job; follow it with GET /v1/jobs/{id} or its events.',
      body: createJobRequestSchema({ maxUploadBytes: options.maxUploadBytes }),
      response: { 202: jobViewSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      await checkUploads(request.body, options);
      const id = randomUUID();
      const seed = request.body.seed ?? randomInt(0, 2 ** 31);
      const uploads = uploadsOf(request.body);
      for (const upload of uploads) {
        await results.storeUpload(id, upload.field, Buffer.from(upload.base64, 'base64'));
      }
      let snapshot: JobSnapshot;
      try {
        snapshot = await queue.add(id, { request: withStoredUploads(request.body), seed });
      } catch (error) {
        await results.removeUploads(id); // not queued (a full queue): nothing will read them
        throw error;
      }
      return reply.code(202).header('location', jobPath(id)).send(jobViewOf(snapshot));
    },
  });

  app.get('/v1/jobs', {
    schema: {
      summary: 'List jobs, newest first',
      querystring: z.strictObject({
        state: z.enum(jobStates).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
      }),
      response: { 200: jobListSchema, ...errorResponses },
    },
    handler: async (request) => {
      const jobs = await queue.list({ state: request.query.state, limit: request.query.limit });
      return { jobs: jobs.map(jobViewOf) };
    },
  });

  app.get('/v1/jobs/:id', {
    schema: {
      summary: "A job's state: queued, running (stage, step, ETA), done (files), failed (error), cancelled",
      params: idParams,
      response: { 200: jobViewSchema, ...errorResponses },
    },
    handler: async (request) => {
      const snapshot = await queue.get(request.params.id);
      if (snapshot === undefined) throw notFound(request.params.id);
      return jobViewOf(snapshot);
    },
  });

  app.post('/v1/jobs/:id/cancel', {
    schema: {
      summary: 'Cancel a job',
      description:
        'A queued job never runs; a running one stops within one sampling step and leaves no file. 409 when it already finished.',
      params: idParams,
      response: { 200: jobViewSchema, ...errorResponses },
    },
    handler: async (request) => {
      const snapshot = await queue.cancel(request.params.id);
      if (snapshot === undefined) throw notFound(request.params.id);
      if (snapshot.state === 'done' || snapshot.state === 'failed') {
        throw ServiceError.field(409, 'job-finished', 'params.id', `the job is already ${snapshot.state}`);
      }
      return jobViewOf(snapshot);
    },
  });

  app.get('/v1/jobs/:id/events', {
    schema: {
      summary: "A job's changes as Server-Sent Events (event 'job', data: the job); ends when it finishes",
      params: idParams,
      response: {
        200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      if ((await queue.get(request.params.id)) === undefined) throw notFound(request.params.id);
      streamJobEvents({ queue, id: request.params.id, reply });
    },
  });

  app.get('/v1/jobs/:id/result', {
    schema: {
      summary: "Download a finished job's video (409 until it is done)",
      params: idParams,
      querystring: z.strictObject({
        format: z.enum(videoFormats).optional().describe("default: the job's first format"),
        index: z.coerce.number().int().min(1).max(1000).default(1).describe('which video of variations'),
      }),
      response: {
        200: {
          description: 'the video file',
          content: Object.fromEntries(
            videoFormats.map((format) => [
              resultMediaTypes[format],
              { schema: z.string().meta({ format: 'binary' }) },
            ]),
          ),
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const snapshot = await queue.get(id);
      if (snapshot === undefined) throw notFound(id);
      if (snapshot.state !== 'done') {
        throw ServiceError.field(409, 'job-not-done', 'params.id', `the job is ${snapshot.state}, not done`);
      }
      const format = request.query.format ?? snapshot.files[0]?.format ?? 'mp4';
      const file = snapshot.files.find(
        (entry) => entry.format === format && entry.index === request.query.index,
      );
      if (file === undefined) {
        const made = snapshot.files.map((entry) => `${entry.format} #${entry.index}`).join(', ');
        throw ServiceError.field(404, 'no-such-file', 'query.format', `the job made ${made}`);
      }
      const bytes = results.sizeOf(id, file.index, file.format);
      if (bytes === undefined) {
        throw ServiceError.field(
          404,
          'file-gone',
          'params.id',
          'the file is no longer in the results folder',
        );
      }
      return (
        reply
          .header('content-type', resultMediaTypes[file.format])
          .header('content-length', bytes)
          .header('content-disposition', `attachment; filename="${id}-${file.index}.${file.format}"`)
          // The 200 schema documents the bytes as a binary string; Fastify streams the file itself.
          .send(createReadStream(results.pathOf(id, file.index, file.format)) as unknown as string)
      );
    },
  });
};
