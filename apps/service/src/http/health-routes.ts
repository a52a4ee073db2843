/**
 * `GET /health` (liveness: the process answers), `GET /ready` (readiness: the queue answers; 503 when
 * not) and `GET /openapi.json` (the OpenAPI document made from the route schemas).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema, ServiceError } from '../api/service-error.js';
import type { JobQueue } from '../queue/job-queue.js';

const readinessSchema = z.object({
  ready: z.boolean(),
  engine: z.enum(['bullmq', 'memory']),
  workers: z.int().describe('workers connected to the queue'),
  queued: z.int(),
  running: z.int(),
});

/** Registers the health, readiness and OpenAPI routes. */
export const healthRoutes: FastifyPluginAsyncZod<{ readonly queue: JobQueue }> = async (app, options) => {
  app.get('/health', {
    schema: {
      summary: 'Liveness: the process answers',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/ready', {
    schema: {
      summary: 'Readiness: the queue answers (503 when it does not)',
      response: { 200: readinessSchema, 503: errorBodySchema },
    },
    handler: async () => {
      const readiness = await options.queue.readiness();
      if (!readiness.ready) {
        throw new ServiceError(503, 'not-ready', readiness.reason ?? 'the queue does not answer', {
          retryAfterSeconds: 5,
        });
      }
      const { reason: _reason, ...body } = readiness;
      return body;
    },
  });

  app.get('/openapi.json', {
    schema: { summary: 'This API as an OpenAPI 3.1 document', hide: true },
    handler: async () => app.swagger(),
  });
};
