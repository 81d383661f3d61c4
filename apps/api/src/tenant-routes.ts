/**
 * `GET /v1/tenants/:name` and `PUT /v1/tenants/:name`. A tenant's token reads its own tenant
 * only (any other name answers 404, as a name that cannot be a tenant does); changing a tenant
 * takes an operator token (`token:*` in API_TOKENS), and anything else is refused with 403
 * before the body is read.
 */
import {
  type FieldIssue,
  isReelayValidationError,
  issuesOf,
  parseTenantName,
  parseTenantSettingsPatch,
  type TenantSettingsPatch,
} from '@reelay/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { sees } from './auth.ts';
import { forbidden, invalidRequest } from './generation-routes.ts';
import { instanceOf, type Problem, problem, sendProblem } from './problem.ts';

type NameParams = { Params: { name: string } };

export const tenantPath = (name: string): string => `/v1/tenants/${name}`;
/** Where a 422 points for the name in the path (as `headers.idempotency-key` does for a header). */
export const NAME_PARAM_PATH = 'params.name';

export const tenantNotFound = (name: string, instance: string): Problem =>
  problem('tenant-not-found', `no tenant ${name}`, instance);

const isJsonContentType = (header: string | undefined): boolean =>
  header?.split(';')[0]?.trim().toLowerCase() === 'application/json';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The producer names the tenant's name `name`; the API points at the path parameter. */
const toRouteIssues = (issues: readonly FieldIssue[]): FieldIssue[] =>
  issues.map((i) => (i.path === 'name' ? { ...i, path: NAME_PARAM_PATH } : i));

/** Every problem of a PUT: the name in the path and each field of the body. */
export function checkTenantPut(
  name: string,
  body: unknown,
): { ok: true; settings: TenantSettingsPatch } | { ok: false; issues: FieldIssue[] } {
  const issues = issuesOf(() => parseTenantName(name, NAME_PARAM_PATH));
  if (!isPlainObject(body))
    return {
      ok: false,
      issues: [...issues, { path: '', rule: 'invalid_type', message: 'must be a JSON object' }],
    };
  let settings: TenantSettingsPatch | undefined;
  issues.push(...issuesOf(() => (settings = parseTenantSettingsPatch(body))));
  if (issues.length || !settings) return { ok: false, issues };
  return { ok: true, settings };
}

/** Refuses a non-operator before the body is read (the route's own onRequest, after auth). */
async function operatorOnly(request: FastifyRequest, reply: FastifyReply) {
  if (request.caller.operator) return;
  return sendProblem(
    reply,
    forbidden('changing a tenant takes an operator token (token:* in API_TOKENS)', instanceOf(request.url)),
  );
}

export function registerTenantRoutes(app: FastifyInstance, producer: ApiProducer): void {
  app.get<NameParams>('/v1/tenants/:name', async (request, reply) => {
    const { name } = request.params;
    const instance = instanceOf(request.url);
    const valid = issuesOf(() => parseTenantName(name)).length === 0;
    if (!valid || !sees(request.caller, name)) return sendProblem(reply, tenantNotFound(name, instance));
    return reply.send(await producer.getTenant(name));
  });

  app.put<NameParams>(
    '/v1/tenants/:name',
    { onRequest: operatorOnly },
    async (request, reply): Promise<FastifyReply> => {
      const { name } = request.params;
      const instance = instanceOf(request.url);
      if (!isJsonContentType(request.headers['content-type']))
        return sendProblem(
          reply,
          problem('unsupported-media-type', 'send the body as content-type application/json', instance),
        );
      const checked = checkTenantPut(name, request.body);
      if (!checked.ok) return sendProblem(reply, invalidRequest(checked.issues, instance));
      try {
        return reply.send(await producer.setTenant(name, checked.settings));
      } catch (e) {
        if (isReelayValidationError(e))
          return sendProblem(reply, invalidRequest(toRouteIssues(e.issues), instance));
        throw e;
      }
    },
  );
}
