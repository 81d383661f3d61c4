import { describe, expect, it } from 'vitest';
import { instanceOf, PROBLEMS, problem, problemOfError, problemType } from './problem.ts';

describe('problem details', () => {
  it('builds RFC 9457 members plus a stable code', () => {
    expect(
      problem('generation-not-found', 'no generation gen_x', '/v1/generations/gen_x', { id: 'gen_x' }),
    ).toEqual({
      type: 'urn:reelay:problem:generation-not-found',
      title: 'No such generation',
      status: 404,
      detail: 'no generation gen_x',
      instance: '/v1/generations/gen_x',
      code: 'REELAY_GENERATION_NOT_FOUND',
      id: 'gen_x',
    });
  });

  it('gives every kind a distinct type and code', () => {
    const kinds = Object.keys(PROBLEMS) as Array<keyof typeof PROBLEMS>;
    expect(new Set(kinds.map(problemType)).size).toBe(kinds.length);
    expect(new Set(kinds.map((k) => PROBLEMS[k].code)).size).toBe(kinds.length);
  });

  it('maps body-parsing errors to their statuses and hides unknown ones', () => {
    const of = (err: { code?: string; statusCode?: number; message?: string }) =>
      problemOfError(err, '/x', 2048);
    expect(of({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }).status).toBe(400);
    expect(of({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }).code).toBe(
      'REELAY_API_MALFORMED_JSON',
    );
    expect(of({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).toMatchObject({
      status: 413,
      limitBytes: 2048,
    });
    expect(of({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).status).toBe(415);
    expect(
      of({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400, message: 'size mismatch' }),
    ).toMatchObject({ status: 400, detail: 'size mismatch' });
    const hidden = of({ message: 'connection to 10.0.0.5 refused' });
    expect(hidden).toMatchObject({ status: 500, code: 'REELAY_API_INTERNAL' });
    expect(hidden.detail).not.toContain('10.0.0.5');
  });

  it('drops the query from the instance', () => {
    expect(instanceOf('/v1/generations/gen_x?token=secret')).toBe('/v1/generations/gen_x');
  });
});
