/**
 * `POST /v1/generations`, `GET /v1/generations/:id`, `DELETE /v1/generations/:id`. Bodies are
 * checked in full before the producer is called, so a bad request enqueues nothing; the
 * producer validates again (and adds the webhook SSRF check) before it writes anything.
 */
import { type FieldIssue, isGenerationId, isReelayValidationError } from '@reelay/contracts';
import { isIdempotencyConflict } from '@reelay/producer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { splitCreateBody, toBodyIssues } from './create-body.ts';
import { instanceOf, type Problem, problem, sendProblem } from './problem.ts';

type IdParams = { Params: { id: string } };

export const generationPath = (id: string): string => `/v1/generations/${id}`;

const isJsonContentType = (header: string | undefined): boolean =>
  header?.split(';')[0]?.trim().toLowerCase() === 'application/json';

export const invalidRequest = (issues: readonly FieldIssue[], instance: string): Problem =>
  problem(
    'invalid-request',
    `${issues.length} problem${issues.length === 1 ? '' : 's'}: ${issues
      .map((i) => `${i.path || '(body)'}: ${i.message}`)
      .join('; ')}`,
    instance,
    { errors: [...issues] },
  );

export const generationNotFound = (id: string, instance: string): Problem =>
  problem('generation-not-found', `no generation ${id}`, instance, { id });

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export function registerGenerationRoutes(app: FastifyInstance, producer: ApiProducer): void {
  app.post('/v1/generations', async (request, reply) => {
    const instance = instanceOf(request.url);
    // A JSON body reaches here only as application/json (the parser refuses other types); an
    // empty one arrives without a content type at all.
    if (!isJsonContentType(request.headers['content-type']))
      return sendProblem(
        reply,
        problem('unsupported-media-type', 'send the body as content-type application/json', instance),
      );
    const split = splitCreateBody(request.body, singleHeader(request, 'idempotency-key'));
    if (!split.ok) return sendProblem(reply, invalidRequest(split.issues, instance));
    try {
      const { id, state, created } = await producer.enqueue(split.value.request, split.value.options);
      return reply
        .code(created ? 201 : 200)
        .header('location', generationPath(id))
        .send({ id, state, created });
    } catch (e) {
      if (isReelayValidationError(e))
        return sendProblem(reply, invalidRequest(toBodyIssues(e.issues), instance));
      if (isIdempotencyConflict(e))
        return sendProblem(
          reply,
          problem(
            'idempotency-conflict',
            `the Idempotency-Key was already used for ${e.existingId} with a different body`,
            instance,
            { existingId: e.existingId },
          ),
        );
      throw e;
    }
  });

  app.get<IdParams>('/v1/generations/:id', async (request, reply) => {
    const { id } = request.params;
    const status = isGenerationId(id) ? await producer.getStatus(id) : undefined;
    if (!status) return sendProblem(reply, generationNotFound(id, instanceOf(request.url)));
    return reply.send(status);
  });

  app.delete<IdParams>('/v1/generations/:id', async (request, reply): Promise<FastifyReply> => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    const result = isGenerationId(id) ? await producer.cancel(id) : undefined;
    if (!result) return sendProblem(reply, generationNotFound(id, instance));
    if (!result.canceled)
      return sendProblem(
        reply,
        problem('generation-finished', `generation ${id} is already ${result.state}`, instance, {
          id,
          state: result.state,
        }),
      );
    return reply.send({ id, state: result.state, canceled: true });
  });
}
