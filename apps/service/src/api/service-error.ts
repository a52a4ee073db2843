/**
 * The one error type the HTTP layer answers with, and the JSON body every 4xx and 5xx response has:
 * `{ "error": { "status", "code", "message", "field", "issues" } }`, where `field` names the request
 * field at fault (`body.seed`, `params.id`, `header.authorization`) when there is one.
 */
import { MavError } from '@mav/tensor';
import { z } from 'zod';

/** One problem in a request. */
export const fieldIssueSchema = z.object({
  field: z.string().describe('where: body.seed, body.steps.decoder, params.id, query.limit, ...'),
  message: z.string(),
});

/** The body of every error response. */
export const errorBodySchema = z.object({
  error: z.object({
    status: z.int(),
    code: z.string().describe('stable, machine-readable: invalid-request, not-found, queue-full, ...'),
    message: z.string(),
    field: z.string().nullable().describe('the first field at fault, if any'),
    issues: z.array(fieldIssueSchema),
  }),
});

/** The body of every error response. */
export type ErrorBody = z.output<typeof errorBodySchema>;

/** A problem in a request field. */
export type FieldIssue = z.output<typeof fieldIssueSchema>;

const marker = Symbol.for('mav.error.ServiceError');

/**
 * An error the service answers with: an HTTP status, a stable code, the field at fault, and for 429 and
 * 503 the seconds after which to retry.
 */
export class ServiceError extends MavError {
  readonly [marker] = true;
  readonly status: number;
  readonly issues: readonly FieldIssue[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { issues?: readonly FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.name = 'ServiceError';
    this.status = status;
    this.issues = options.issues ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** A 4xx about one field. */
  static field(status: number, code: string, field: string, message: string, cause?: unknown): ServiceError {
    return new ServiceError(status, code, `${field}: ${message}`, { issues: [{ field, message }], cause });
  }

  /** The response body. */
  toBody(): ErrorBody {
    return {
      error: {
        status: this.status,
        code: this.code,
        message: this.message,
        field: this.issues[0]?.field ?? null,
        issues: [...this.issues],
      },
    };
  }

  static override isInstance(error: unknown): error is ServiceError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
