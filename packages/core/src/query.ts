/**
 * @module query
 * The order query API (`Pay_Trade_query.html`, docs/protocol.md#order-query): the signed request, and a tolerant but
 * verified reading of the answer, which is JSON served as `text/html`, sometimes behind a BOM, sometimes nested in
 * `data`.
 */
import { parseChinaDateTime } from './china-time.ts';
import { checkCredentials, type Credentials } from './credentials.ts';
import { GatewayError, NotificationError, ProtocolError, SignatureError, ValidationError } from './errors.ts';
import { encodeForm } from './form.ts';
import { parseGatewayAmount } from './money.ts';
import { QUERY_SIGNED_FIELDS, sign, verify, type Dialect, type Fields } from './signature.ts';

/** The signed query: POST `body` (a form) to the gateway's query URL. */
export interface QueryRequest {
  fields: Fields;
  body: string;
}

/** A verified query answer. `paid` comes from `trade_state` alone: `returncode` is `"00"` either way. */
export interface QueryResult {
  paid: boolean;
  tradeState: string;
  memberId: string;
  orderId: string;
  amount: string;
  amountFen: number;
  transactionId: string;
  /** `time_end` when paid; null for the gateway's "never" (`1970-01-01 08:00:00`) or when absent. */
  paidAt: string | null;
  fields: Fields;
}

/** Options of {@link createQueryRequest} and {@link parseQueryResponse}. */
export interface QueryOptions {
  /** `legacy`: 2016-17 gateways join the signed pairs as `name=>value&`, in the request and the answer. */
  dialect?: Dialect;
}

/**
 * Builds the signed order query.
 *
 * @example
 * const { body } = createQueryRequest(orderId, { memberId: '10002', key });
 * const text = await (await fetch(queryUrl, { method: 'POST', body,
 *   headers: { 'content-type': 'application/x-www-form-urlencoded' } })).text();
 */
export function createQueryRequest(
  orderId: string,
  credentials: Credentials,
  options: QueryOptions = {},
): QueryRequest {
  const { memberId, key } = checkCredentials(credentials);
  if (typeof orderId !== 'string' || !/^[A-Za-z0-9]{1,32}$/.test(orderId)) {
    throw new ValidationError('INVALID_ORDER_ID', 'orderId must be 1 to 32 letters and digits', 'orderId');
  }
  const signed = { pay_memberid: memberId, pay_orderid: orderId };
  const signature = sign(signed, key, {
    signedFields: QUERY_SIGNED_FIELDS,
    dialect: options.dialect ?? 'standard',
  });
  const fields = { ...signed, pay_md5sign: signature };
  return { fields, body: encodeForm(fields) };
}

/**
 * A short, quoted excerpt of an answer for error messages. Signatures are masked: services log these messages,
 * and their logs redact `sign` everywhere else.
 */
function snippet(text: string): string {
  const masked = text.replace(/("sign"\s*:\s*")[^"]*"/g, '$1***"').replace(/(\bsign=)[^&\s]*/g, '$1***');
  const short = masked.length > 80 ? `${masked.slice(0, 80)}...` : masked;
  return JSON.stringify(short);
}

function flatten(object: Record<string, unknown>, text: string): Fields {
  const fields: Fields = Object.create(null) as Fields;
  for (const [name, value] of Object.entries(object)) {
    if (value === null || value === undefined) fields[name] = '';
    else if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
    else
      throw new ProtocolError(
        'MALFORMED_RESPONSE',
        `query answer field ${name} is not a scalar: ${snippet(text)}`,
      );
  }
  return fields;
}

/**
 * The field sets a genuine answer may be signed over. The default is the top-level object. One fork nests the order
 * in `data: [ {...} ]` (docs/protocol.md#order-query: a variant, not the default); depending on the fork the
 * signature sits inside the row, or at the top with `memberid`/`returncode` there and covers them plus the row.
 */
function candidateFieldSets(object: Record<string, unknown>, text: string): Fields[] {
  if ('trade_state' in object || !('data' in object)) return [flatten(object, text)];
  const row = Array.isArray(object.data) ? object.data[0] : object.data;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new ProtocolError('MALFORMED_RESPONSE', `query answer has an empty data variant: ${snippet(text)}`);
  }
  const inner = flatten(row as Record<string, unknown>, text);
  const { data: _data, status: _status, msg: _msg, ...top } = object;
  const merged = { ...flatten(top, text), ...inner };
  if (!merged.sign) merged.sign = inner.sign ?? '';
  return inner.sign ? [inner, merged] : [merged];
}

function verifiedFields(
  object: Record<string, unknown>,
  text: string,
  key: string,
  dialect: Dialect,
): Fields {
  const required = ['memberid', 'orderid', 'trade_state', 'sign'];
  const all = candidateFieldSets(object, text);
  const candidates = all.filter((fields) => required.every((name) => fields[name]));
  if (candidates.length === 0) {
    const missing = required.find((name) => !all[all.length - 1]![name]);
    throw new ProtocolError('MALFORMED_RESPONSE', `query answer has no ${missing}: ${snippet(text)}`);
  }
  const genuine = candidates.find((fields) => {
    const signedFields = Object.keys(fields).filter((name) => name !== 'sign');
    return verify(fields, key, fields.sign!, { signedFields, dialect });
  });
  if (!genuine) throw new SignatureError('query answer signature does not match');
  return genuine;
}

/**
 * Parses and verifies the gateway's answer to an order query.
 *
 * @example
 * const result = parseQueryResponse(text, { memberId: '10002', key });
 * if (result.paid && result.amountFen === order.amountFen) markPaid(order.id, result.transactionId);
 */
export function parseQueryResponse(
  text: string,
  credentials: Credentials,
  options: QueryOptions = {},
): QueryResult {
  const { memberId, key } = checkCredentials(credentials);
  const cleaned = String(text)
    .replace(/^\uFEFF/, '')
    .trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(cleaned);
  } catch {
    throw new ProtocolError('MALFORMED_RESPONSE', `query answer is not JSON: ${snippet(cleaned)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProtocolError('MALFORMED_RESPONSE', `query answer is not a JSON object: ${snippet(cleaned)}`);
  }
  const object = parsed as Record<string, unknown>;
  if (object.status === 'error') {
    throw new GatewayError(typeof object.msg === 'string' ? object.msg : JSON.stringify(object.msg ?? null));
  }
  const fields = verifiedFields(object, cleaned, key, options.dialect ?? 'standard');
  if (fields.memberid !== memberId) {
    throw new NotificationError(
      'MEMBER_MISMATCH',
      'query answer is for another member id',
      'memberid',
      fields,
    );
  }
  const paid = fields.trade_state === 'SUCCESS';
  const timeEnd = fields.time_end ?? '';
  const never = timeEnd === '' || (parseChinaDateTime(timeEnd)?.getTime() ?? 0) <= 0;
  return {
    paid,
    tradeState: fields.trade_state!,
    memberId: fields.memberid!,
    orderId: fields.orderid!,
    amount: fields.amount ?? '',
    amountFen: fields.amount ? parseGatewayAmount(fields.amount, 'amount') : 0,
    transactionId: fields.transaction_id ?? '',
    paidAt: never ? null : timeEnd,
    fields,
  };
}
