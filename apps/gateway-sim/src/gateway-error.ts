/**
 * @module gateway-error
 * The real server's error answer (`showmessage`): HTTP 200, `Content-Type: application/json; charset=utf-8`,
 * `{"status":"error","msg":...,"data":...}` encoded with `JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES` (which
 * is what `JSON.stringify` does). `data` is PHP's empty array `[]` unless the check passes something.
 */

/** One gateway error answer. */
export interface GatewayErrorBody {
  status: 'error';
  msg: string;
  data: unknown;
}

/**
 * Builds the error body.
 *
 * @example
 * gatewayError('签名验证失败'); // { status: 'error', msg: '签名验证失败', data: [] }
 */
export function gatewayError(msg: string, data: unknown = []): GatewayErrorBody {
  return { status: 'error', msg, data };
}

/**
 * The HTTP response for an error body.
 *
 * @example
 * errorResponse(gatewayError('金额错误')).status; // 200
 */
export function errorResponse(body: GatewayErrorBody): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}
