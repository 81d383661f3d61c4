/**
 * The OpenAPI 3.1 document, generated from the zod schemas the API validates with (the request
 * rules live once, in @reelay/contracts). OpenAPI 3.1 schemas are JSON Schema 2020-12, which
 * is what `z.toJSONSchema` emits.
 */
import {
  BATCH_ID,
  EnqueueOptions,
  GENERATION_ID,
  GenerationRequest,
  MAX_BATCH_ITEMS,
  MediaItem,
  Metadata,
  TenantBudget,
  TenantName,
  TenantSettingsPatch,
  WebhookTarget,
} from '@reelay/contracts';
import { z } from 'zod';
import { DEFAULT_BATCH_EVENTS_INTERVAL_MS } from './batch-events.ts';
import { DEFAULT_BATCH_BODY_LIMIT_BYTES } from './batch-routes.ts';
import { DEFAULT_HEARTBEAT_MS, STREAMS_RETRY_AFTER_S } from './events-route.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, type ProblemKind, problem } from './problem.ts';
import {
  BatchCreateResultSchema,
  BatchGenerationsPageSchema,
  BatchSchema,
  CancelResult,
  CreateGenerationResult,
  FieldIssueSchema,
  GenerationStatusSchema,
  HealthSchema,
  ProblemSchema,
  StateEventSchema,
  TenantSchema,
} from './response-schemas.ts';

export const API_VERSION = '1.0.0';

export const CreateGenerationBody = z.strictObject({
  request: GenerationRequest,
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
  priority: EnqueueOptions.shape.priority,
  tenant: EnqueueOptions.shape.tenant.describe(
    "The tenant to enqueue for; operator tokens only (default `default`). A tenant's token always enqueues for its own tenant: naming another is a 403.",
  ),
});
const IdempotencyKey = EnqueueOptions.shape.idempotencyKey.unwrap();

/** One item of `POST /v1/batches`: the generation body without `tenant` (a batch has one). */
export const CreateBatchItem = z.strictObject({
  request: GenerationRequest,
  webhook: WebhookTarget.optional().describe(
    "Where this member's webhooks go; without one it inherits the batch's `webhook`",
  ),
  metadata: Metadata.optional(),
  priority: EnqueueOptions.shape.priority,
});

export const CreateBatchBody = z.strictObject({
  items: z
    .array(CreateBatchItem)
    .min(1)
    .max(MAX_BATCH_ITEMS)
    .describe(`The generations, 1 to ${MAX_BATCH_ITEMS}; all are created or none`),
  webhook: WebhookTarget.optional().describe(
    'Members without a webhook of their own inherit it; it also receives `batch.completed` (after the results file is written)',
  ),
  metadata: Metadata.optional(),
  tenant: EnqueueOptions.shape.tenant.describe(
    "The tenant the batch and its members belong to; operator tokens only (default `default`). A tenant's token always creates for its own tenant: naming another is a 403.",
  ),
});

type JsonObject = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function componentSchemas(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string; description?: string }>();
  const add = (schema: z.ZodType, id: string, description?: string) =>
    registry.add(schema, description ? { id, description } : { id });
  add(CreateGenerationBody, 'CreateGenerationBody', 'A generation request and how to deliver its result');
  add(GenerationRequest, 'GenerationRequest', 'Wan 2.7 image-to-video input and parameters (Vtrix `params`)');
  add(MediaItem, 'MediaItem');
  add(WebhookTarget, 'WebhookTarget');
  add(Metadata, 'Metadata', 'Echoed in webhooks; at most 2048 bytes as JSON');
  add(IdempotencyKey, 'IdempotencyKey');
  add(CreateGenerationResult, 'CreateGenerationResult');
  add(CreateBatchBody, 'CreateBatchBody', 'Generations to create together, and how to deliver their results');
  add(CreateBatchItem, 'CreateBatchItem', 'One generation of a batch');
  add(BatchCreateResultSchema, 'BatchCreateResult');
  add(BatchSchema, 'Batch', "A batch's state, member counts, costs and results file");
  add(BatchGenerationsPageSchema, 'BatchGenerationsPage');
  add(GenerationStatusSchema, 'GenerationStatus');
  add(CancelResult, 'CancelResult');
  add(StateEventSchema, 'StateEvent', 'The data of each `event: state` on the events stream');
  add(HealthSchema, 'Health');
  add(FieldIssueSchema, 'FieldIssue');
  add(ProblemSchema, 'Problem');
  add(TenantSchema, 'Tenant', "A tenant's settings and usage");
  add(
    TenantSettingsPatch,
    'TenantSettingsPatch',
    'The settings to change; a field left out keeps its value, `null` clears a cap or a budget',
  );
  add(TenantBudget, 'TenantBudget');
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  // `$schema` is the document's dialect already; an `$id` with a fragment is not allowed in 2020-12.
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return schemas;
}

/** A well-formed id for examples (the API never issues it). */
const EXAMPLE_ID = 'gen_01jz8k2m3n4p5q6r7s8t9v0wxy';
const EXAMPLE_AT = 1_764_000_031_000;

type ProblemCase = { kind: ProblemKind; detail: string; extensions?: Record<string, unknown> };

/**
 * A problem+json response: its description names every kind that can answer with this status
 * on this route, and each kind is an example built by the same `problem()` the server sends.
 */
function problemResponse(instance: string, description: string, cases: ProblemCase[], headers?: JsonObject) {
  const kinds = cases
    .map(({ kind }) => `\`urn:reelay:problem:${kind}\` (\`${PROBLEMS[kind].code}\`)`)
    .join(', ');
  return {
    description: `${description}. Problem ${cases.length > 1 ? 'types' : 'type'}: ${kinds}.`,
    ...(headers ? { headers } : {}),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: ref('Problem'),
        examples: Object.fromEntries(
          cases.map(({ kind, detail, extensions }) => [
            kind,
            { summary: PROBLEMS[kind].title, value: problem(kind, detail, instance, extensions) },
          ]),
        ),
      },
    },
  };
}
const json = (description: string, schemaId: string, headers?: JsonObject) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(schemaId) } },
});
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The generation id, as returned by createGeneration',
  schema: { type: 'string', pattern: GENERATION_ID.source },
  example: EXAMPLE_ID,
};
const EXAMPLE_TENANT = 'acme';
const nameParam = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The tenant name',
  // The rule from contracts (`$schema` dropped: the document's dialect already).
  schema: (({ $schema: _, ...rest }) => rest)(z.toJSONSchema(TenantName)),
  example: EXAMPLE_TENANT,
};
const location = {
  Location: {
    description: 'The generation: `/v1/generations/{id}`',
    schema: { type: 'string' },
    example: `/v1/generations/${EXAMPLE_ID}`,
  },
};

/** The responses every authenticated route can give, for a request to `instance`. */
const authenticated = (instance: string) => ({
  '401': problemResponse(
    instance,
    'Missing or unknown bearer token (not sent when the server runs without tokens, API_ALLOW_NO_AUTH)',
    [{ kind: 'unauthorized', detail: 'send Authorization: Bearer <token>' }],
    {
      'WWW-Authenticate': {
        description: '`Bearer realm="reelay"`, plus `error="invalid_token"` when a token was sent',
        schema: { type: 'string' },
      },
    },
  ),
  '500': problemResponse(
    instance,
    'The request failed: a bug, or Redis failed (details only in the server log)',
    [{ kind: 'internal', detail: 'the request failed; see the server log' }],
  ),
});
const generationNotFound = (instance: string) =>
  problemResponse(instance, 'No such generation (or the id is not a generation id)', [
    { kind: 'generation-not-found', detail: `no generation ${EXAMPLE_ID}`, extensions: { id: EXAMPLE_ID } },
  ]);

/** A 403: what the token may not do. */
const forbiddenResponse = (instance: string, description: string, detail: string) =>
  problemResponse(instance, description, [{ kind: 'forbidden', detail }]);
const EXAMPLE_REFUSAL = {
  tenant: EXAMPLE_TENANT,
  limitUsd: 500,
  spentUsd: 498.5,
  reservedUsd: 1,
  requestedUsd: 0.75,
};
const TENANT_INSTANCE = `/v1/tenants/${EXAMPLE_TENANT}`;

const HEARTBEAT_S = DEFAULT_HEARTBEAT_MS / 1000;
const EVENTS_DESCRIPTION = `A server-sent event stream (\`text/event-stream\`, WHATWG HTML §9.2). Every event is named \`state\`; its \`data\` is one line of JSON, a StateEvent \`{ id, state, at }\`. The first event is the state the generation is in now; then one event per change, in order, each once (earlier history is not replayed: GET the record for it). The server closes the stream after sending a terminal state (\`succeeded\`, \`failed\` or \`canceled\`), at once if the generation has already finished, and also when it shuts down or the record expires. A \`: heartbeat\` comment line comes every ${HEARTBEAT_S} s (the default) so proxies do not close an idle stream; EventSource ignores comments. Every event carries an \`id:\` line: an opaque string, not to be parsed or compared. To resume after a disconnect, send the last \`id\` received in the \`Last-Event-ID\` request header (EventSource does this on its own when it reconnects); the server continues after that event instead of starting over.`;

const STREAMS_RETRY_AFTER = {
  'Retry-After': {
    description: `Seconds to wait before opening a stream again (${STREAMS_RETRY_AFTER_S}); sent with \`too-many-streams\` and \`streams-full\``,
    schema: { type: 'integer', minimum: 0 },
  },
};

const EXAMPLE_STREAM = [
  'event: state',
  'id: <opaque>',
  `data: ${JSON.stringify({ id: EXAMPLE_ID, state: 'queued', at: EXAMPLE_AT - 31_000 })}`,
  '',
  'event: state',
  'id: <opaque>',
  `data: ${JSON.stringify({ id: EXAMPLE_ID, state: 'running', at: EXAMPLE_AT })}`,
  '',
  ': heartbeat',
  '',
  '',
].join('\n');

const EXAMPLE_BATCH_ID = 'bat_01jz8k2m3n4p5q6r7s8t9v0wxy';
const BATCH_INSTANCE = `/v1/batches/${EXAMPLE_BATCH_ID}`;
const batchIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The batch id, as returned by createBatch',
  schema: { type: 'string', pattern: BATCH_ID.source },
  example: EXAMPLE_BATCH_ID,
};
const batchNotFound = (instance: string, description = "No such batch, or another tenant's") =>
  problemResponse(instance, description, [
    {
      kind: 'batch-not-found',
      detail: `no batch ${EXAMPLE_BATCH_ID}`,
      extensions: { id: EXAMPLE_BATCH_ID },
    },
  ]);
const batchLocation = {
  Location: {
    description: 'The batch: `/v1/batches/{id}`',
    schema: { type: 'string' },
    example: BATCH_INSTANCE,
  },
};
const EXAMPLE_COUNTS = {
  total: 3,
  queued: 1,
  submitting: 0,
  running: 1,
  copying: 0,
  succeeded: 1,
  failed: 0,
  canceled: 0,
};
const BATCH_INTERVAL_MS = DEFAULT_BATCH_EVENTS_INTERVAL_MS;
const BATCH_EVENTS_DESCRIPTION = `A server-sent event stream (\`text/event-stream\`) of a batch's progress. Every event is named \`batch\`; its \`data\` is one line of JSON, the Batch as GET /v1/batches/{id} answers it (state, counts, costs). The first event is the batch as it is now; then one event after members change state, coalesced: at most one every ${BATCH_INTERVAL_MS} ms however fast members move, so a client sees counts, not every change. The server closes the stream after sending the event whose \`state\` is \`completed\` or \`canceled\` (at once if the batch has already ended), and also when it shuts down or the record expires. Events carry no \`id:\`: each is the whole batch, so a client that reconnects needs no Last-Event-ID (its first event is the current batch). A \`: heartbeat\` comment line comes every ${DEFAULT_HEARTBEAT_MS / 1000} s (the default); an idle stream costs the server no Redis command. Streams count against the same caps as generation streams (API_MAX_STREAMS, API_MAX_STREAMS_PER_TOKEN).`;
const EXAMPLE_BATCH_STREAM = [
  'event: batch',
  `data: ${JSON.stringify({ id: EXAMPLE_BATCH_ID, state: 'in_progress', counts: EXAMPLE_COUNTS })}`,
  '',
  ': heartbeat',
  '',
  '',
].join('\n');

const TAGS = [
  { name: 'Generations', description: 'Enqueue a generation, read its status record, cancel it' },
  {
    name: 'Batches',
    description: `Create up to ${MAX_BATCH_ITEMS} generations at once (all or none), follow their counts, cancel them, page through them`,
  },
  {
    name: 'Events',
    description:
      'Follow a generation as it changes state, or a batch as its counts move (server-sent events)',
  },
  {
    name: 'Tenants',
    description:
      "A tenant's fair-share weight, in-flight cap, budget and pause, and its usage; reading takes the tenant's own token or an operator's, changing an operator's",
  },
  { name: 'Service', description: 'Health and this document; no auth' },
];

const BATCH_LIMIT_EXAMPLE = {
  kind: 'body-too-large' as const,
  detail: `the body is larger than ${DEFAULT_BATCH_BODY_LIMIT_BYTES} bytes`,
  extensions: { limitBytes: DEFAULT_BATCH_BODY_LIMIT_BYTES },
};

/** The batch routes: create, read, cancel, page through members, follow counts. */
function batchPaths(): Record<string, JsonObject> {
  const events = `${BATCH_INSTANCE}/events`;
  const generations = `${BATCH_INSTANCE}/generations`;
  return {
    '/v1/batches': {
      post: {
        operationId: 'createBatch',
        summary: 'Create a batch of generations',
        description: `Creates up to ${MAX_BATCH_ITEMS} generations in one step, all or none: every item is checked before anything is written (a 422 names each bad item, \`items[2].request.input.media\`), and the tenant's budget must take the estimates of them all (else 402). Members queue in their tenant like single generations. The body limit of this route is its own: ${DEFAULT_BATCH_BODY_LIMIT_BYTES} bytes by default, or API_BODY_LIMIT_BYTES when that is larger.`,
        tags: ['Batches'],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'The same key (within the tenant) returns the same batch (200) for at least 24 h; with other items or options it is a 409',
            schema: ref('IdempotencyKey'),
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('CreateBatchBody') } },
        },
        responses: {
          '201': json('Created, with every member', 'BatchCreateResult', batchLocation),
          '200': json(
            'The Idempotency-Key named an existing batch made from the same body; nothing new was created',
            'BatchCreateResult',
            batchLocation,
          ),
          '400': problemResponse('/v1/batches', 'The body is not JSON, or is empty', [
            { kind: 'malformed-json', detail: 'the body could not be parsed as JSON' },
            { kind: 'bad-request', detail: 'the request could not be processed' },
          ]),
          '402': problemResponse(
            '/v1/batches',
            "The members' estimated cost together would take the tenant over its budget for the period; nothing was created. `tenant`, `limitUsd`, `spentUsd`, `reservedUsd` and `requestedUsd` (US dollars, for the whole batch) say by how much",
            [
              {
                kind: 'budget-exceeded',
                detail: `tenant ${EXAMPLE_TENANT}: 0.75 USD more would exceed its budget of 500.00 USD for the period (spent 498.50, reserved 1.00); nothing was enqueued`,
                extensions: EXAMPLE_REFUSAL,
              },
            ],
          ),
          '403': forbiddenResponse(
            '/v1/batches',
            "The body names a `tenant` other than the token's own (only operator tokens may name any)",
            `this token belongs to tenant ${EXAMPLE_TENANT} and cannot enqueue for tenant other; leave out "tenant" or use an operator token`,
          ),
          '409': problemResponse(
            '/v1/batches',
            'The Idempotency-Key was used with other items or options; `existingId` names that batch',
            [
              {
                kind: 'idempotency-conflict',
                detail: `the Idempotency-Key was already used for ${EXAMPLE_BATCH_ID} with different items or options`,
                extensions: { existingId: EXAMPLE_BATCH_ID },
              },
            ],
          ),
          '413': problemResponse('/v1/batches', "The body is larger than this route's limit (`limitBytes`)", [
            BATCH_LIMIT_EXAMPLE,
          ]),
          '415': problemResponse('/v1/batches', 'The body is not application/json (or there is none)', [
            { kind: 'unsupported-media-type', detail: 'send the body as content-type application/json' },
          ]),
          '422': problemResponse(
            '/v1/batches',
            'The body breaks a rule; `errors` lists every one by path (`items[2].request.input.media`, `items[0].webhook.url`, `headers.idempotency-key` for the header)',
            [
              {
                kind: 'invalid-request',
                detail: '1 problem: items[2].request.input.media: needs at least one item',
                extensions: {
                  errors: [
                    {
                      path: 'items[2].request.input.media',
                      rule: 'too_small',
                      message: 'needs at least one item',
                    },
                  ],
                },
              },
            ],
          ),
          ...authenticated('/v1/batches'),
        },
      },
    },
    '/v1/batches/{id}': {
      parameters: [batchIdParam],
      get: {
        operationId: 'getBatch',
        summary: 'Read a batch: state, member counts, costs, results file',
        tags: ['Batches'],
        responses: {
          '200': json('The batch', 'Batch'),
          '404': batchNotFound(BATCH_INSTANCE),
          ...authenticated(BATCH_INSTANCE),
        },
      },
      delete: {
        operationId: 'cancelBatch',
        summary: 'Cancel every member not yet finished',
        description:
          'Cancels each member that has not finished (as DELETE /v1/generations/{id} does) and answers the batch after that: its state is `canceled` once every member is terminal. A batch already ended is answered unchanged. Takes no body; one sent anyway must be JSON within the size limit (400, 413, 415).',
        tags: ['Batches'],
        responses: {
          '200': json('The batch after the cancel', 'Batch'),
          '400': problemResponse(BATCH_INSTANCE, 'A body was sent and is not JSON', [
            { kind: 'malformed-json', detail: 'the body could not be parsed as JSON' },
            { kind: 'bad-request', detail: 'the request could not be processed' },
          ]),
          '404': batchNotFound(BATCH_INSTANCE),
          '413': problemResponse(BATCH_INSTANCE, 'A body was sent and is too large', [
            {
              kind: 'body-too-large',
              detail: 'the body is larger than 1048576 bytes',
              extensions: { limitBytes: 1_048_576 },
            },
          ]),
          '415': problemResponse(BATCH_INSTANCE, 'A body was sent and is not application/json', [
            { kind: 'unsupported-media-type', detail: 'send the body as content-type application/json' },
          ]),
          ...authenticated(BATCH_INSTANCE),
        },
      },
    },
    '/v1/batches/{id}/generations': {
      parameters: [batchIdParam],
      get: {
        operationId: 'listBatchGenerations',
        summary: "A page of a batch's members with their states",
        description:
          'Members in the order of the items. Pass the `cursor` of a page back for the next one; the last page has none.',
        tags: ['Batches'],
        parameters: [
          {
            name: 'cursor',
            in: 'query',
            required: false,
            description: 'The `cursor` of the previous page',
            schema: { type: 'string', pattern: '^\\d{1,9}$' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'Members per page (default 100)',
            schema: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        ],
        responses: {
          '200': json('A page of members', 'BatchGenerationsPage'),
          '404': batchNotFound(generations),
          '422': problemResponse(
            generations,
            'A bad `cursor` or `limit`; `errors` names it (`query.cursor`, `query.limit`)',
            [
              {
                kind: 'invalid-request',
                detail: '1 problem: query.limit: must be an integer from 1 to 1000',
                extensions: {
                  errors: [
                    { path: 'query.limit', rule: 'range', message: 'must be an integer from 1 to 1000' },
                  ],
                },
              },
            ],
          ),
          ...authenticated(generations),
        },
      },
    },
    '/v1/batches/{id}/events': {
      parameters: [batchIdParam],
      get: {
        operationId: 'streamBatchEvents',
        summary: "Follow a batch's counts (server-sent events)",
        description: BATCH_EVENTS_DESCRIPTION,
        tags: ['Events'],
        responses: {
          '200': {
            description: BATCH_EVENTS_DESCRIPTION,
            headers: {
              'Cache-Control': { description: '`no-cache, no-transform`', schema: { type: 'string' } },
            },
            content: {
              'text/event-stream': {
                schema: {
                  type: 'string',
                  description:
                    'The stream. OpenAPI 3.1 cannot type the events of a stream (3.2 adds `itemSchema`); `$defs.event` describes one event the way 3.2 would.',
                  $defs: {
                    event: {
                      type: 'object',
                      description: 'One event, by its SSE fields',
                      required: ['event', 'data'],
                      properties: {
                        event: { const: 'batch' },
                        data: {
                          type: 'string',
                          contentMediaType: 'application/json',
                          contentSchema: ref('Batch'),
                        },
                      },
                    },
                  },
                },
                example: EXAMPLE_BATCH_STREAM,
              },
            },
          },
          '404': batchNotFound(events, "No such batch, or another tenant's; sent before any stream starts"),
          '429': problemResponse(
            events,
            'This token already has API_MAX_STREAMS_PER_TOKEN streams open (`limit`); close one, or retry after `Retry-After`',
            [
              {
                kind: 'too-many-streams',
                detail: 'this token already has 100 events streams open; close one or retry later',
                extensions: { limit: 100 },
              },
            ],
            STREAMS_RETRY_AFTER,
          ),
          '503': problemResponse(
            events,
            'This API process already has API_MAX_STREAMS streams open (`limit`), or state changes cannot be followed right now (the Redis subscription failed; retry later)',
            [
              {
                kind: 'streams-full',
                detail: 'this API process already has 1000 events streams open; retry later',
                extensions: { limit: 1000 },
              },
              { kind: 'unavailable', detail: 'state changes cannot be followed right now' },
            ],
            STREAMS_RETRY_AFTER,
          ),
          ...authenticated(events),
        },
      },
    },
  };
}

/**
 * The answers any operation can give before or around its route: 431 for headers too large (no
 * route runs), 503 while the process shuts down. Added to every operation, beside its own 503s.
 */
function withEdgeResponses(paths: Record<string, JsonObject>): Record<string, JsonObject> {
  for (const [path, item] of Object.entries(paths)) {
    for (const operation of Object.values(item) as Array<{ responses?: Record<string, JsonObject> }>) {
      const responses = operation.responses;
      if (!responses) continue;
      responses['431'] ??= problemResponse(
        path,
        'The request headers are larger than the server accepts; no route ran',
        [{ kind: 'headers-too-large', detail: 'request headers are too large' }],
      );
      const shuttingDown = problemResponse(
        path,
        'The process is shutting down (`Connection: close`): send the request again',
        [{ kind: 'shutting-down', detail: 'the API is shutting down; send the request again' }],
      );
      const unavailable = problemResponse(
        path,
        'Redis is unavailable or did not answer within REDIS_COMMAND_TIMEOUT_MS (retry after `Retry-After`; a write may have happened: retry it with its idempotency key), or the process is shutting down (`Connection: close`): send the request again',
        [
          { kind: 'unavailable', detail: 'Redis is unavailable; retry later' },
          { kind: 'shutting-down', detail: 'the API is shutting down; send the request again' },
        ],
      );
      const own = responses['503'] as
        | { description: string; content: Record<string, { examples: Record<string, unknown> }> }
        | undefined;
      // Every route but the document itself reads or writes Redis.
      if (!own) responses['503'] = path === '/openapi.json' ? shuttingDown : unavailable;
      else {
        own.description = `${own.description} Also \`urn:reelay:problem:shutting-down\` (\`REELAY_API_SHUTTING_DOWN\`) while the process shuts down.`;
        const examples = own.content[PROBLEM_CONTENT_TYPE]?.examples;
        if (examples)
          examples['shutting-down'] = shuttingDown.content[PROBLEM_CONTENT_TYPE]!.examples['shutting-down'];
      }
    }
  }
  return paths;
}

export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelay API',
      version: API_VERSION,
      description:
        "Enqueue Wan 2.7 image-to-video generations and follow them. Every error is application/problem+json (RFC 9457): branch on `type` or `code`, never on `title` or `detail`. A path that is not listed here answers 404 `urn:reelay:problem:not-found` (`REELAY_API_NOT_FOUND`) to an authenticated client and 401 to any other; a listed path with a method not listed for it answers 405 `urn:reelay:problem:method-not-allowed` (`REELAY_API_METHOD_NOT_ALLOWED`, also 401 without a token) with an `Allow` header and an `allow` member naming its methods. Headers larger than the server accepts answer 431 `urn:reelay:problem:headers-too-large` (`REELAY_API_HEADERS_TOO_LARGE`) before any route runs, and any request that arrives while the process shuts down answers 503 `urn:reelay:problem:shutting-down` (`REELAY_API_SHUTTING_DOWN`) with `Connection: close`: send it again. A `urn:reelay:problem:bad-request` (`REELAY_API_BAD_REQUEST`) carries the 4xx status of a malformed HTTP request that was refused before any route ran; a request the token may not make is a 403 `urn:reelay:problem:forbidden` (`REELAY_API_FORBIDDEN`; see the bearer scheme for what a tenant's token may do).",
    },
    // The document is served by the API it describes, so `/` resolves against wherever it was
    // fetched from (OpenAPI 3.1 §4.8.5); the second entry is `reelay api` with its defaults.
    servers: [
      { url: '/', description: 'The server this document was fetched from' },
      {
        url: 'http://127.0.0.1:8080',
        description: 'A local `reelay api` with the default HOST and API_PORT',
      },
    ],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    tags: TAGS,
    paths: withEdgeResponses({
      '/v1/generations': {
        post: {
          operationId: 'createGeneration',
          summary: 'Enqueue a generation',
          description:
            'Validates the whole body before anything is written: a refused request enqueues nothing.',
          tags: ['Generations'],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'The same key returns the same generation (200) for at least 24 h; with a different body it is a 409',
              schema: ref('IdempotencyKey'),
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('CreateGenerationBody') } },
          },
          responses: {
            '201': json('Enqueued', 'CreateGenerationResult', location),
            '200': json(
              'The Idempotency-Key named an existing generation with the same body; nothing new was enqueued',
              'CreateGenerationResult',
              location,
            ),
            '400': problemResponse('/v1/generations', 'The body is not JSON, or is empty', [
              { kind: 'malformed-json', detail: 'the body could not be parsed as JSON' },
              { kind: 'bad-request', detail: 'the request could not be processed' },
            ]),
            '402': problemResponse(
              '/v1/generations',
              "The generation's estimated cost would take the tenant's spent and reserved cost over its budget for the period; nothing was enqueued. `tenant`, `limitUsd`, `spentUsd`, `reservedUsd` and `requestedUsd` (US dollars) say by how much",
              [
                {
                  kind: 'budget-exceeded',
                  detail: `tenant ${EXAMPLE_TENANT}: 0.75 USD more would exceed its budget of 500.00 USD for the period (spent 498.50, reserved 1.00); nothing was enqueued`,
                  extensions: EXAMPLE_REFUSAL,
                },
              ],
            ),
            '403': forbiddenResponse(
              '/v1/generations',
              "The body names a `tenant` other than the token's own (only operator tokens may name any)",
              `this token belongs to tenant ${EXAMPLE_TENANT} and cannot enqueue for tenant other; leave out "tenant" or use an operator token`,
            ),
            '409': problemResponse(
              '/v1/generations',
              'The Idempotency-Key was used with a different body; `existingId` names that generation',
              [
                {
                  kind: 'idempotency-conflict',
                  detail: `the Idempotency-Key was already used for ${EXAMPLE_ID} with a different body`,
                  extensions: { existingId: EXAMPLE_ID },
                },
              ],
            ),
            '413': problemResponse(
              '/v1/generations',
              'The body is larger than API_BODY_LIMIT_BYTES (`limitBytes`)',
              [
                {
                  kind: 'body-too-large',
                  detail: 'the body is larger than 1048576 bytes',
                  extensions: { limitBytes: 1_048_576 },
                },
              ],
            ),
            '415': problemResponse('/v1/generations', 'The body is not application/json (or there is none)', [
              { kind: 'unsupported-media-type', detail: 'send the body as content-type application/json' },
            ]),
            '422': problemResponse(
              '/v1/generations',
              'The request breaks a rule; `errors` lists every one by path (`headers.idempotency-key` for the header)',
              [
                {
                  kind: 'invalid-request',
                  detail: '1 problem: request.parameters.duration: must be at most 15',
                  extensions: {
                    errors: [
                      { path: 'request.parameters.duration', rule: 'too_big', message: 'must be at most 15' },
                    ],
                  },
                },
              ],
            ),
            ...authenticated('/v1/generations'),
          },
        },
      },
      '/v1/generations/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getGeneration',
          summary: 'Read the status record',
          tags: ['Generations'],
          responses: {
            '200': json('The generation', 'GenerationStatus'),
            '404': generationNotFound(`/v1/generations/${EXAMPLE_ID}`),
            ...authenticated(`/v1/generations/${EXAMPLE_ID}`),
          },
        },
        delete: {
          operationId: 'cancelGeneration',
          summary: 'Cancel a generation that has not finished',
          description:
            'Takes no body. A body that is sent anyway is parsed: it must then be JSON within the size limit (400, 413, 415).',
          tags: ['Generations'],
          responses: {
            '200': json('Canceled', 'CancelResult'),
            '400': problemResponse(`/v1/generations/${EXAMPLE_ID}`, 'A body was sent and is not JSON', [
              { kind: 'malformed-json', detail: 'the body could not be parsed as JSON' },
              { kind: 'bad-request', detail: 'the request could not be processed' },
            ]),
            '404': generationNotFound(`/v1/generations/${EXAMPLE_ID}`),
            '409': problemResponse(`/v1/generations/${EXAMPLE_ID}`, 'Already finished; `state` says how', [
              {
                kind: 'generation-finished',
                detail: `generation ${EXAMPLE_ID} is already succeeded`,
                extensions: { id: EXAMPLE_ID, state: 'succeeded' },
              },
            ]),
            '413': problemResponse(`/v1/generations/${EXAMPLE_ID}`, 'A body was sent and is too large', [
              {
                kind: 'body-too-large',
                detail: 'the body is larger than 1048576 bytes',
                extensions: { limitBytes: 1_048_576 },
              },
            ]),
            '415': problemResponse(
              `/v1/generations/${EXAMPLE_ID}`,
              'A body was sent and is not application/json',
              [{ kind: 'unsupported-media-type', detail: 'send the body as content-type application/json' }],
            ),
            ...authenticated(`/v1/generations/${EXAMPLE_ID}`),
          },
        },
      },
      '/v1/generations/{id}/events': {
        parameters: [idParam],
        get: {
          operationId: 'streamGenerationEvents',
          summary: 'Follow state changes (server-sent events)',
          description: EVENTS_DESCRIPTION,
          tags: ['Events'],
          parameters: [
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description:
                'The `id` of the last event the client received on an earlier stream of this generation; the stream resumes after it',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description: EVENTS_DESCRIPTION,
              headers: {
                'Cache-Control': { description: '`no-cache, no-transform`', schema: { type: 'string' } },
              },
              content: {
                'text/event-stream': {
                  schema: {
                    type: 'string',
                    description:
                      'The stream. OpenAPI 3.1 cannot type the events of a stream (3.2 adds `itemSchema`); `$defs.event` describes one event the way 3.2 would.',
                    $defs: {
                      event: {
                        type: 'object',
                        description: 'One event, by its SSE fields',
                        required: ['event', 'id', 'data'],
                        properties: {
                          event: { const: 'state' },
                          id: {
                            type: 'string',
                            description: 'Opaque; send the last one back as Last-Event-ID',
                          },
                          data: {
                            type: 'string',
                            contentMediaType: 'application/json',
                            contentSchema: ref('StateEvent'),
                          },
                        },
                      },
                    },
                  },
                  example: EXAMPLE_STREAM,
                },
              },
            },
            '404': problemResponse(
              `/v1/generations/${EXAMPLE_ID}/events`,
              'No such generation; sent before any stream starts',
              [
                {
                  kind: 'generation-not-found',
                  detail: `no generation ${EXAMPLE_ID}`,
                  extensions: { id: EXAMPLE_ID },
                },
              ],
            ),
            '429': problemResponse(
              `/v1/generations/${EXAMPLE_ID}/events`,
              'This token already has API_MAX_STREAMS_PER_TOKEN streams open (`limit`); close one, or retry after `Retry-After`',
              [
                {
                  kind: 'too-many-streams',
                  detail: 'this token already has 100 events streams open; close one or retry later',
                  extensions: { limit: 100 },
                },
              ],
              STREAMS_RETRY_AFTER,
            ),
            '503': problemResponse(
              `/v1/generations/${EXAMPLE_ID}/events`,
              'This API process already has API_MAX_STREAMS streams open (`limit`; retry after `Retry-After`, possibly on another instance), or state changes cannot be followed right now (the Redis subscription failed; retry later)',
              [
                {
                  kind: 'streams-full',
                  detail: 'this API process already has 1000 events streams open; retry later',
                  extensions: { limit: 1000 },
                },
                { kind: 'unavailable', detail: 'state changes cannot be followed right now' },
              ],
              STREAMS_RETRY_AFTER,
            ),
            ...authenticated(`/v1/generations/${EXAMPLE_ID}/events`),
          },
        },
      },
      ...batchPaths(),
      '/v1/tenants/{name}': {
        parameters: [nameParam],
        get: {
          operationId: 'getTenant',
          summary: "Read a tenant's settings and usage",
          description:
            "Any well-formed name answers: a tenant never configured has the defaults. A tenant's token reads only its own tenant; any other name is a 404, as a malformed name is.",
          tags: ['Tenants'],
          responses: {
            '200': json('The tenant', 'Tenant'),
            '404': problemResponse(
              TENANT_INSTANCE,
              "Not the token's own tenant (operator tokens read any), or not a tenant name",
              [{ kind: 'tenant-not-found', detail: `no tenant ${EXAMPLE_TENANT}` }],
            ),
            ...authenticated(TENANT_INSTANCE),
          },
        },
        put: {
          operationId: 'setTenant',
          summary: "Change a tenant's settings",
          description:
            'Operator tokens only (`token:*` in API_TOKENS). Fields left out keep their value; `null` clears `maxInFlight` or `budget`. Every worker applies the change within a second. The whole body is checked first: a refused one changes nothing.',
          tags: ['Tenants'],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('TenantSettingsPatch') } },
          },
          responses: {
            '200': json('The tenant, changed', 'Tenant'),
            '400': problemResponse(TENANT_INSTANCE, 'The body is not JSON, or is empty', [
              { kind: 'malformed-json', detail: 'the body could not be parsed as JSON' },
              { kind: 'bad-request', detail: 'the request could not be processed' },
            ]),
            '403': forbiddenResponse(
              TENANT_INSTANCE,
              'The token is not an operator token; refused before the body is read',
              'changing a tenant takes an operator token (token:* in API_TOKENS)',
            ),
            '413': problemResponse(
              TENANT_INSTANCE,
              'The body is larger than API_BODY_LIMIT_BYTES (`limitBytes`)',
              [
                {
                  kind: 'body-too-large',
                  detail: 'the body is larger than 1048576 bytes',
                  extensions: { limitBytes: 1_048_576 },
                },
              ],
            ),
            '415': problemResponse(TENANT_INSTANCE, 'The body is not application/json (or there is none)', [
              { kind: 'unsupported-media-type', detail: 'send the body as content-type application/json' },
            ]),
            '422': problemResponse(
              TENANT_INSTANCE,
              'A setting breaks a rule; `errors` lists every one by path into the body (`params.name` for a malformed name in the path)',
              [
                {
                  kind: 'invalid-request',
                  detail: '1 problem: weight: must be an integer from 1 to 100',
                  extensions: {
                    errors: [
                      { path: 'weight', rule: 'too_big', message: 'must be an integer from 1 to 100' },
                    ],
                  },
                },
              ],
            ),
            ...authenticated(TENANT_INSTANCE),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'getHealth',
          summary: 'Health: does Redis answer',
          description: 'For load balancers: 200 when Redis answers a PING within 2 s, else 503. No auth.',
          tags: ['Service'],
          security: [],
          responses: {
            '200': json('The API and its Redis answer', 'Health'),
            '503': problemResponse('/healthz', 'Redis does not answer within 2 s', [
              { kind: 'unavailable', detail: 'Redis does not answer' },
            ]),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          description:
            'The OpenAPI 3.1 document of this API, generated from the schemas it validates with. No auth.',
          tags: ['Service'],
          security: [],
          responses: {
            '200': {
              description: 'This document',
              content: {
                'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document' } },
              },
            },
          },
        },
      },
    }),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            "One of the tokens in API_TOKENS; checked before the body is read. A token is bound to a tenant (`token:acme`; a bare token is `default`'s): it enqueues for that tenant only and sees only its generations and batches (another tenant's answer 404, as unknown ones do). An operator token (`token:*`) sees every tenant and may change tenants.",
        },
      },
      schemas: componentSchemas(),
    },
  };
}
