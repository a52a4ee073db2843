/**
 * `GET /v1/jobs/{id}/events`: a job's changes as Server-Sent Events. Each change is one `job` event whose
 * data is the job (as `GET /v1/jobs/{id}` answers it); the stream ends after the event of a finished
 * state. A comment line every 15 s keeps proxies from closing a quiet stream.
 */
import type { FastifyReply } from 'fastify';
import { finishedStates } from '../api/job-view.js';
import type { JobQueue, JobSnapshot } from '../queue/job-queue.js';
import { jobViewOf } from './job-view-of.js';

/** Seconds between keep-alive comments. */
const keepAliveSeconds = 15;

/** Streams job `id`'s changes to `reply` (the job exists: the route checked). */
export function streamJobEvents(options: {
  readonly queue: JobQueue;
  readonly id: string;
  readonly reply: FastifyReply;
}): void {
  const { queue, id, reply } = options;
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let last = '';
  let closed = false;
  let reading = false;
  let again = false;

  const end = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(keepAlive);
    response.end();
  };

  const send = (snapshot: JobSnapshot) => {
    const data = JSON.stringify(jobViewOf(snapshot));
    if (data === last) return;
    last = data;
    response.write(`event: job\ndata: ${data}\n\n`);
    if (finishedStates.has(snapshot.state)) end();
  };

  // One read at a time; changes that arrive during a read cause one more read after it.
  const refresh = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const snapshot = await queue.get(id);
        if (closed) return;
        if (snapshot === undefined) {
          response.write('event: gone\ndata: {}\n\n');
          end();
          return;
        }
        send(snapshot);
      } while (again && !closed);
    } catch {
      end();
    } finally {
      reading = false;
    }
  };

  // Subscribe before the first read, so that no change falls between the two.
  const unsubscribe = queue.subscribe(id, () => void refresh());
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveSeconds * 1000);
  response.on('close', end);
  void refresh();
}
