/**
 * Every error the HTTP layer answers turns into one JSON shape (`service-error.ts`) with the right
 * status: schema problems are 400 naming each field (413 when the only problem is an upload that is too
 * large), Fastify's own body errors keep their 4xx (malformed JSON 400, too large 413, wrong media type
 * 415), anything unexpected is a 500 that says nothing of the inside.
 */
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { jobModes } from '../api/job-request.js';
import { type FieldIssue, ServiceError } from '../api/service-error.js';

/** The request fields that carry uploads (a `too_big` there is a 413). */
const uploadFields = new Set(['image', 'first', 'last', 'video']);

/** Where Fastify's validation contexts are, as field prefixes. */
const contextNames: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'header',
};

interface ValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

function issuesOf(error: FastifyError): { issues: FieldIssue[]; onlyLargeUploads: boolean } {
  const context = contextNames[error.validationContext ?? 'body'] ?? 'body';
  const entries = (error.validation ?? []) as unknown as ValidationEntry[];
  const issues: FieldIssue[] = [];
  let onlyLargeUploads = entries.length > 0;
  for (const entry of entries) {
    const path = entry.instancePath.split('/').filter((part) => part !== '');
    const field = [context, ...path].join('.');
    if (!(entry.keyword === 'too_big' && uploadFields.has(path[0] ?? ''))) onlyLargeUploads = false;
    if (entry.keyword === 'unrecognized_keys') {
      for (const key of (entry.params?.keys as string[] | undefined) ?? []) {
        issues.push({ field: `${field}.${key}`, message: `unknown field '${key}'` });
      }
      continue;
    }
    if (entry.keyword === 'invalid_union' && path.length === 1 && path[0] === 'mode') {
      issues.push({ field, message: `mode must be one of ${jobModes.join(', ')}` });
      continue;
    }
    issues.push({ field, message: entry.message ?? entry.keyword });
  }
  return { issues, onlyLargeUploads };
}

/** The {@link ServiceError} to answer for `error`. */
export function serviceErrorFrom(error: unknown): ServiceError {
  if (ServiceError.isInstance(error)) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const { issues, onlyLargeUploads } = issuesOf(fastifyError);
    const status = onlyLargeUploads ? 413 : 400;
    const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
    return new ServiceError(status, onlyLargeUploads ? 'upload-too-large' : 'invalid-request', summary, {
      issues,
    });
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const codes: Record<string, string> = {
      FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
      FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
    };
    const code = codes[fastifyError.code] ?? 'bad-request';
    const field = status === 415 ? 'header.content-type' : 'body';
    return new ServiceError(status, code, `${field}: ${fastifyError.message}`, {
      issues: [{ field, message: fastifyError.message }],
      cause: error,
    });
  }
  return new ServiceError(500, 'internal', 'the service failed to answer this request; it is logged.', {
    cause: error,
  });
}
