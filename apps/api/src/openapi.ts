/**
 * The OpenAPI 3.1 document, generated from the zod schemas the API validates with (the request
 * rules live once, in @reelay/contracts). OpenAPI 3.1 schemas are JSON Schema 2020-12, which
 * is what `z.toJSONSchema` emits.
 */
import {
  EnqueueOptions,
  GENERATION_ID,
  GenerationRequest,
  MediaItem,
  Metadata,
  WebhookTarget,
} from '@reelay/contracts';
import { z } from 'zod';
import { DEFAULT_HEARTBEAT_MS } from './events-route.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import {
  CancelResult,
  CreateGenerationResult,
  FieldIssueSchema,
  GenerationStatusSchema,
  ProblemSchema,
  StateEventSchema,
} from './response-schemas.ts';

export const API_VERSION = '1.0.0';

export const CreateGenerationBody = z.strictObject({
  request: GenerationRequest,
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
  priority: EnqueueOptions.shape.priority,
});
const IdempotencyKey = EnqueueOptions.shape.idempotencyKey.unwrap();

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
  add(GenerationStatusSchema, 'GenerationStatus');
  add(CancelResult, 'CancelResult');
  add(StateEventSchema, 'StateEvent', 'The data of each `event: state` on the events stream');
  add(FieldIssueSchema, 'FieldIssue');
  add(ProblemSchema, 'Problem');
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

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
});
const json = (description: string, schemaId: string, headers?: JsonObject) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(schemaId) } },
});
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: GENERATION_ID.source },
};
const common = {
  '401': problemResponse('Missing or unknown bearer token (with `WWW-Authenticate: Bearer`)'),
};
const location = { Location: { description: 'The generation', schema: { type: 'string' } } };

export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelay API',
      version: API_VERSION,
      description:
        'Enqueue Wan 2.7 image-to-video generations and follow them. Every error is application/problem+json (RFC 9457).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths: {
      '/v1/generations': {
        post: {
          operationId: 'createGeneration',
          summary: 'Enqueue a generation',
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
              'The Idempotency-Key named an existing generation',
              'CreateGenerationResult',
              location,
            ),
            '400': problemResponse('The body is not JSON'),
            ...common,
            '409': problemResponse('The Idempotency-Key was used with a different body'),
            '413': problemResponse('The body is larger than API_BODY_LIMIT_BYTES'),
            '415': problemResponse('The body is not application/json'),
            '422': problemResponse('The request breaks a rule; `errors` lists every one by path'),
          },
        },
      },
      '/v1/generations/{id}': {
        parameters: [idParam],
        get: {
          operationId: 'getGeneration',
          summary: 'The status record',
          responses: {
            '200': json('The generation', 'GenerationStatus'),
            ...common,
            '404': problemResponse('No such generation'),
          },
        },
        delete: {
          operationId: 'cancelGeneration',
          summary: 'Cancel a generation that has not finished',
          responses: {
            '200': json('Canceled', 'CancelResult'),
            ...common,
            '404': problemResponse('No such generation'),
            '409': problemResponse('Already finished; `state` says how'),
          },
        },
      },
      '/v1/generations/{id}/events': {
        parameters: [idParam],
        get: {
          operationId: 'streamGenerationEvents',
          summary: 'Server-sent events: the current state, then every change until a terminal state',
          responses: {
            '200': {
              description: `\`event: state\` with a StateEvent as \`data\`, first the current state, then one per change; the stream closes after succeeded, failed or canceled. A \`: heartbeat\` comment comes every ${DEFAULT_HEARTBEAT_MS / 1000} s.`,
              content: {
                'text/event-stream': {
                  schema: { type: 'string' },
                  // OpenAPI 3.1 has no way to type each event (3.2's itemSchema); an extension it is.
                  'x-event-data': ref('StateEvent'),
                },
              },
            },
            ...common,
            '404': problemResponse('No such generation'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          security: [],
          responses: {
            '200': { description: 'The API and its Redis answer' },
            '503': problemResponse('Redis does not answer'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          security: [],
          responses: { '200': { description: 'This document' } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'One of API_TOKENS' } },
      schemas: componentSchemas(),
    },
  };
}
