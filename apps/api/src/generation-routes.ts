/**
 * `POST /v1/generations`, `GET /v1/generations/:id`, `DELETE /v1/generations/:id`. Bodies are
 * checked in full, with the producer's own pure `validate` (schema and the webhook SSRF check),
 * before it is called, so one 422 lists every problem and a bad request enqueues nothing; the
 * producer validates again before it writes anything.
 * A tenant's token enqueues into its tenant and sees only its generations: another tenant's id
 * answers exactly as an unknown one does.
 */
import {
  type BudgetRefusal,
  DEFAULT_TENANT,
  type FieldIssue,
  type GenerationStatus,
  isBudgetExceeded,
  isGenerationId,
  isReelayValidationError,
} from '@reelay/contracts';
import { isIdempotencyConflict } from '@reelay/producer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { type Caller, sees } from './auth.ts';
import { splitCreateBody, toBodyIssues } from './create-body.ts';
import { instanceOf, type Problem, problem, sendProblem } from './problem.ts';

type IdParams = { Params: { id: string } };

export const generationPath = (id: string): string => `/v1/generations/${id}`;

export const isJsonContentType = (header: string | undefined): boolean =>
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

/** 403: the token may not do this (another tenant's work, or an operator's route). */
export const forbidden = (detail: string, instance: string): Problem =>
  problem('forbidden', detail, instance);

const usd = (n: number) => n.toFixed(2);

/** 402 with what was asked for against what the tenant had, as extension members (US dollars). */
export const budgetExceeded = (r: BudgetRefusal, instance: string): Problem =>
  problem(
    'budget-exceeded',
    `tenant ${r.tenant}: ${usd(r.requestedUsd)} USD more would exceed its budget of ${usd(r.limitUsd)} USD for the period (spent ${usd(r.spentUsd)}, reserved ${usd(r.reservedUsd)}); nothing was enqueued`,
    instance,
    {
      tenant: r.tenant,
      limitUsd: r.limitUsd,
      spentUsd: r.spentUsd,
      reservedUsd: r.reservedUsd,
      requestedUsd: r.requestedUsd,
    },
  );

/**
 * The tenant an enqueue goes to: a tenant's token always its own (naming another is refused), an
 * operator's the one the body names. `default` is left out of the options, so a request
 * fingerprints (idempotency) the same whether it named `default` or nothing.
 */
export function tenantFor(
  caller: Caller,
  named: unknown,
): { ok: true; tenant: string | undefined } | { ok: false; detail: string } {
  const tenant = caller.operator ? (named as string | undefined) : caller.tenant;
  if (!caller.operator && named !== undefined && named !== caller.tenant)
    return {
      ok: false,
      detail: `this token belongs to tenant ${caller.tenant} and cannot enqueue for tenant ${String(named)}; leave out "tenant" or use an operator token`,
    };
  return { ok: true, tenant: tenant === DEFAULT_TENANT ? undefined : tenant };
}

/** The status record, if there is one and the caller may see it (else the same as none). */
export async function visibleStatus(
  producer: ApiProducer,
  caller: Caller,
  id: string,
): Promise<GenerationStatus | undefined> {
  if (!isGenerationId(id)) return undefined;
  const status = await producer.getStatus(id);
  return status && sees(caller, status.tenant) ? status : undefined;
}

export function singleHeader(request: FastifyRequest, name: string): string | undefined {
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
    const split = splitCreateBody(request.body, singleHeader(request, 'idempotency-key'), producer.validate);
    if (!split.ok) return sendProblem(reply, invalidRequest(split.issues, instance));
    const { tenant: named, ...options } = split.value.options;
    const scope = tenantFor(request.caller, named);
    if (!scope.ok) return sendProblem(reply, forbidden(scope.detail, instance));
    if (scope.tenant !== undefined) options.tenant = scope.tenant;
    try {
      const { id, state, created } = await producer.enqueue(split.value.request, options);
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
      if (isBudgetExceeded(e)) return sendProblem(reply, budgetExceeded(e, instance));
      throw e;
    }
  });

  app.get<IdParams>('/v1/generations/:id', async (request, reply) => {
    const { id } = request.params;
    const status = await visibleStatus(producer, request.caller, id);
    if (!status) return sendProblem(reply, generationNotFound(id, instanceOf(request.url)));
    return reply.send(status);
  });

  app.delete<IdParams>('/v1/generations/:id', async (request, reply): Promise<FastifyReply> => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    // A tenant's token reads the record first: it may cancel only what it may see.
    const allowed = request.caller.operator
      ? isGenerationId(id)
      : (await visibleStatus(producer, request.caller, id)) !== undefined;
    const result = allowed ? await producer.cancel(id) : undefined;
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
