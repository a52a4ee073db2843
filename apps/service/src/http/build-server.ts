/**
 * The HTTP service on Fastify: zod validation and serialisation, the OpenAPI document (@fastify/swagger
 * from the same schemas), an optional bearer token on every route, a per-client rate limit
 * (@fastify/rate-limit), and one JSON error shape for every 4xx and 5xx. The routes are in
 * `job-routes.ts` and `health-routes.ts`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { defaultMaxUploadBytes } from '../api/job-request.js';
import { ServiceError } from '../api/service-error.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ResultDirectory } from '../results/result-directory.js';
import { serviceErrorFrom } from './error-reply.js';
import { healthRoutes } from './health-routes.js';
import { jobRoutes } from './job-routes.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  readonly queue: JobQueue;
  readonly results: ResultDirectory;
  /** When set, every route needs `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** Requests per client (its token, else its address) per window; false turns the limit off. */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number } | false;
  /** Decoded bytes per upload (default 4 MiB). */
  readonly maxUploadBytes?: number;
  /** Width × height of an uploaded image (default 4096²). */
  readonly maxImagePixels?: number;
  /** Called with each 5xx, for the command to log (the service itself never prints). */
  readonly onServerError?: (error: unknown, request: FastifyRequest) => void;
}

/** The default rate limit: 600 requests a minute per client. */
export const defaultRateLimit = { max: 600, windowMs: 60_000 } as const;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Builds the service (not listening yet). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const maxUploadBytes = options.maxUploadBytes ?? defaultMaxUploadBytes;
  const app = Fastify({
    logger: false,
    // Two uploads at most (interpolate), base64, plus the options.
    bodyLimit: Math.ceil((2 * maxUploadBytes * 4) / 3) + 64 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Requests are JSON: any other body is a 415, not a string for the schema to reject.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error, request, reply) => {
    const serviceError = serviceErrorFrom(error);
    if (serviceError.status >= 500) options.onServerError?.(error, request);
    if (serviceError.retryAfterSeconds !== undefined)
      reply.header('retry-after', serviceError.retryAfterSeconds);
    if (serviceError.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(serviceError.status).send(serviceError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = ServiceError.field(
      404,
      'no-route',
      'url',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.code(404).send(error.toBody());
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mav generation service',
        description: 'Queues Make-A-Video generation jobs, reports their progress and serves their files.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(options.token === undefined ? {} : { security: [{ bearer: [] }] }),
    },
    transform: jsonSchemaTransform,
  });

  if (options.token !== undefined) {
    const expected = digest(`Bearer ${options.token}`);
    app.addHook('onRequest', async (request) => {
      const given = request.headers.authorization;
      if (given === undefined) {
        throw ServiceError.field(
          401,
          'unauthorized',
          'header.authorization',
          'missing: send Authorization: Bearer <token>',
        );
      }
      if (!timingSafeEqual(digest(given), expected)) {
        throw ServiceError.field(401, 'unauthorized', 'header.authorization', 'wrong token');
      }
    });
  }

  const limit = options.rateLimit ?? defaultRateLimit;
  if (limit !== false) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (request) => request.headers.authorization ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new ServiceError(
          429,
          'rate-limited',
          `more than ${context.max} requests in ${context.after}; retry later.`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
          },
        ),
    });
  }

  await app.register(healthRoutes, { queue: options.queue });
  await app.register(jobRoutes, {
    queue: options.queue,
    results: options.results,
    maxUploadBytes,
    maxImagePixels: options.maxImagePixels ?? 4096 * 4096,
  });
  return app;
}
