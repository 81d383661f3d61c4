/**
 * `POST /v1/batches`, `GET /v1/batches/:id`, `DELETE /v1/batches/:id`,
 * `GET /v1/batches/:id/generations`. Tenants as for generations: a tenant's token creates
 * batches in its own tenant and sees only its batches (another tenant's id answers exactly as an
 * unknown one does, 404 batch-not-found); only an operator's token may name `tenant` in the body.
 * A refused create writes nothing: createBatch checks every item before it writes, all or none.
 */
import {
  type Batch,
  type FieldIssue,
  isBatchId,
  isBudgetExceeded,
  isReelayValidationError,
} from '@reelay/contracts';
import { isIdempotencyConflict } from '@reelay/producer';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { type Caller, sees } from './auth.ts';
import { splitBatchBody, toBatchBodyIssues } from './batch-body.ts';
import {
  budgetExceeded,
  forbidden,
  invalidRequest,
  isJsonContentType,
  singleHeader,
  tenantFor,
} from './generation-routes.ts';
import { instanceOf, type Problem, problem, sendProblem } from './problem.ts';

type IdParams = { Params: { id: string } };
type PageQuery = { Querystring: { cursor?: string | string[]; limit?: string | string[] } };

/**
 * The body limit of `POST /v1/batches` (the server's API_BODY_LIMIT_BYTES when that is larger):
 * 10,000 items of a typical request are ~2 MB, and each may carry up to 2 KB of metadata.
 */
export const DEFAULT_BATCH_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export const batchPath = (id: string): string => `/v1/batches/${id}`;

export const batchNotFound = (id: string, instance: string): Problem =>
  problem('batch-not-found', `no batch ${id}`, instance, { id });

/** Where a 422 points for the page parameters of the query string. */
const toQueryIssues = (issues: readonly FieldIssue[]): FieldIssue[] =>
  issues.map((i) => ({ ...i, path: `query.${i.path}` }));

/** The batch, if there is one and the caller may see it (else the same as none). */
export async function visibleBatch(
  producer: ApiProducer,
  caller: Caller,
  id: string,
): Promise<Batch | undefined> {
  if (!isBatchId(id)) return undefined;
  const batch = await producer.getBatch(id);
  return batch && sees(caller, batch.tenant) ? batch : undefined;
}

/** A query parameter as the producer's page check takes it: digits as a number, else as sent. */
const limitOf = (v: string | string[] | undefined): unknown =>
  typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v;

export function registerBatchRoutes(
  app: FastifyInstance,
  producer: ApiProducer,
  opts: { bodyLimitBytes: number },
): void {
  app.post('/v1/batches', { bodyLimit: opts.bodyLimitBytes }, async (request, reply) => {
    const instance = instanceOf(request.url);
    if (!isJsonContentType(request.headers['content-type']))
      return sendProblem(
        reply,
        problem('unsupported-media-type', 'send the body as content-type application/json', instance),
      );
    const split = splitBatchBody(request.body, singleHeader(request, 'idempotency-key'), (items, options) =>
      producer.validateBatch(items, options),
    );
    if (!split.ok) return sendProblem(reply, invalidRequest(split.issues, instance));
    const { tenant: named, ...options } = split.value.options;
    const scope = tenantFor(request.caller, named);
    if (!scope.ok) return sendProblem(reply, forbidden(scope.detail, instance));
    if (scope.tenant !== undefined) options.tenant = scope.tenant;
    try {
      const result = await producer.createBatch(split.value.items, options);
      return reply
        .code(result.created ? 201 : 200)
        .header('location', batchPath(result.id))
        .send(result);
    } catch (e) {
      if (isReelayValidationError(e))
        return sendProblem(reply, invalidRequest(toBatchBodyIssues(e.issues), instance));
      if (isIdempotencyConflict(e))
        return sendProblem(
          reply,
          problem(
            'idempotency-conflict',
            `the Idempotency-Key was already used for ${e.existingId} with different items or options`,
            instance,
            { existingId: e.existingId },
          ),
        );
      if (isBudgetExceeded(e)) return sendProblem(reply, budgetExceeded(e, instance));
      throw e;
    }
  });

  app.get<IdParams>('/v1/batches/:id', async (request, reply) => {
    const { id } = request.params;
    const batch = await visibleBatch(producer, request.caller, id);
    if (!batch) return sendProblem(reply, batchNotFound(id, instanceOf(request.url)));
    return reply.send(batch);
  });

  app.delete<IdParams>('/v1/batches/:id', async (request, reply): Promise<FastifyReply> => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    // A tenant's token reads the batch first: it may cancel only what it may see.
    const allowed = request.caller.operator
      ? isBatchId(id)
      : (await visibleBatch(producer, request.caller, id)) !== undefined;
    const batch = allowed ? await producer.cancelBatch(id) : undefined;
    if (!batch) return sendProblem(reply, batchNotFound(id, instance));
    return reply.send(batch);
  });

  app.get<IdParams & PageQuery>('/v1/batches/:id/generations', async (request, reply) => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    if (!(await visibleBatch(producer, request.caller, id)))
      return sendProblem(reply, batchNotFound(id, instance));
    const { cursor, limit } = request.query;
    try {
      const page = await producer.listBatchGenerations(id, {
        ...(cursor !== undefined ? { cursor: cursor as string } : {}),
        ...(limit !== undefined ? { limit: limitOf(limit) as number } : {}),
      });
      // Gone between the two reads (its record expired): as unknown.
      if (!page) return sendProblem(reply, batchNotFound(id, instance));
      return reply.send(page);
    } catch (e) {
      if (isReelayValidationError(e))
        return sendProblem(reply, invalidRequest(toQueryIssues(e.issues), instance));
      throw e;
    }
  });
}
