// Reads the upstream's own code and message out of every error body shape seen from Vtrix
// and DashScope. Pure and total: an unreadable body yields an empty result, never a throw.

export interface UpstreamErrorInfo {
  code?: string;
  message?: string;
  requestId?: string;
}

// Upstream messages end up in status records and logs; keep them bounded.
const MAX_MESSAGE_CHARS = 1000;

/** Upstream codes are numbers or strings; string codes keep leading zeros ("002014001"). */
export function codeToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function boundedMessage(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{code, message}`, `{code, error_message}`, `{code, msg}`, a plain string, or nothing usable. */
export function readErrorValue(value: unknown): UpstreamErrorInfo {
  if (typeof value === 'string') {
    const message = boundedMessage(value);
    return message === undefined ? {} : { message };
  }
  if (!isRecord(value)) return {};
  const info: UpstreamErrorInfo = {};
  const code = codeToString(value.code);
  const message =
    boundedMessage(value.message) ?? boundedMessage(value.error_message) ?? boundedMessage(value.msg);
  if (code !== undefined) info.code = code;
  if (message !== undefined) info.message = message;
  return info;
}

function parseMaybeJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Extracts code, message and request id from an error reply body (raw text or parsed JSON):
 * `{"message"}`, `{"error": "…"}`, `{"error": {"code","message"}}`, `{"code","message","request_id"}`,
 * the `{"status": {"code","message"}}` envelope, and short plain-text bodies.
 */
export function extractUpstreamError(body: unknown): UpstreamErrorInfo {
  const json = parseMaybeJson(body);
  if (typeof json === 'string') {
    // Plain text such as "Too Many Requests" is worth keeping; an HTML error page is not.
    return json.trimStart().startsWith('<') ? {} : readErrorValue(json);
  }
  if (!isRecord(json)) return {};

  const fromError = readErrorValue(json.error);
  const fromTop = readErrorValue(json);
  const fromEnvelope = isRecord(json.status) ? readErrorValue(json.status) : {};

  const info: UpstreamErrorInfo = {};
  const code = fromError.code ?? fromTop.code ?? fromEnvelope.code;
  const message = fromError.message ?? fromTop.message ?? fromEnvelope.message;
  const requestId = codeToString(json.request_id) ?? codeToString(json.requestId);
  if (code !== undefined) info.code = code;
  if (message !== undefined) info.message = message;
  if (requestId !== undefined) info.requestId = requestId;
  return info;
}
