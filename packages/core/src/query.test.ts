import { describe, expect, it } from 'vitest';
import vectors from '../test/helpers/vectors.ts';
import { parseForm } from './form.ts';
import { createQueryRequest, parseQueryResponse } from './query.ts';
import { QUERY_SIGNED_FIELDS, sign } from './signature.ts';
import { errorCode } from '../test/helpers/error-code.ts';

const key = vectors.key;
const credentials = { memberId: '10002', key };

function answer(fields: Record<string, string>) {
  const signedFields = Object.keys(fields);
  return { ...fields, sign: sign(fields, key, { signedFields }) };
}

const notPaid = answer({
  memberid: '10002',
  orderid: 'E1',
  amount: '12.3400',
  time_end: '1970-01-01 08:00:00',
  transaction_id: '20240301120000123456',
  returncode: '00',
  trade_state: 'NOTPAY',
});
const paid = answer({ ...notPaid, time_end: '2024-03-01 12:00:09', trade_state: 'SUCCESS', sign: '' });

describe('createQueryRequest', () => {
  it('signs the member id and the order id', () => {
    const { fields, body } = createQueryRequest('E1', credentials);
    expect(fields.pay_md5sign).toBe(
      sign({ pay_memberid: '10002', pay_orderid: 'E1' }, key, { signedFields: QUERY_SIGNED_FIELDS }),
    );
    expect(parseForm(body)).toEqual(Object.assign(Object.create(null), fields));
  });

  it('signs in the legacy dialect by option only', () => {
    const signed = { pay_memberid: '10002', pay_orderid: 'E1' };
    const legacy = sign(signed, key, { signedFields: QUERY_SIGNED_FIELDS, dialect: 'legacy' });
    expect(createQueryRequest('E1', credentials, { dialect: 'legacy' }).fields.pay_md5sign).toBe(legacy);
    expect(createQueryRequest('E1', credentials).fields.pay_md5sign).not.toBe(legacy);
  });

  it('refuses an order id the gateway could not hold', () => {
    expect(errorCode(() => createQueryRequest('E 1', credentials))).toBe('INVALID_ORDER_ID');
  });
});

describe('parseQueryResponse', () => {
  it('reads NOTPAY, with the 1970 time as none, although returncode is "00"', () => {
    const result = parseQueryResponse(JSON.stringify(notPaid), credentials);
    expect(result).toMatchObject({ paid: false, tradeState: 'NOTPAY', paidAt: null, amountFen: 1234 });
  });

  it('reads SUCCESS with the paid time', () => {
    const result = parseQueryResponse(JSON.stringify(paid), credentials);
    expect(result).toMatchObject({
      paid: true,
      paidAt: '2024-03-01 12:00:09',
      transactionId: '20240301120000123456',
    });
  });

  it('verifies a legacy answer (name=>value joins) by option only', () => {
    const { sign: _, ...fields } = paid;
    const legacy = { ...fields, sign: sign(fields, key, { dialect: 'legacy' }) };
    expect(parseQueryResponse(JSON.stringify(legacy), credentials, { dialect: 'legacy' }).paid).toBe(true);
    expect(errorCode(() => parseQueryResponse(JSON.stringify(legacy), credentials))).toBe('BAD_SIGNATURE');
    expect(
      errorCode(() => parseQueryResponse(JSON.stringify(paid), credentials, { dialect: 'legacy' })),
    ).toBe('BAD_SIGNATURE');
  });

  it('tolerates a leading BOM and surrounding whitespace', () => {
    expect(parseQueryResponse(`\uFEFF ${JSON.stringify(paid)}\n`, credentials).paid).toBe(true);
  });

  it('reads the data[] variant', () => {
    const text = JSON.stringify({ status: 'success', data: [paid] });
    expect(parseQueryResponse(text, credentials).paid).toBe(true);
  });

  it('reads the data[] variant signed at the top level over memberid, returncode and the row', () => {
    const row = {
      orderid: 'E1',
      amount: '12.3400',
      time_end: '1970-01-01 08:00:00',
      transaction_id: '20240301120000123456',
      trade_state: 'SUCCESS',
    };
    const signature = sign({ memberid: '10002', returncode: '00', ...row }, key);
    const text = `{"memberid":10002,"returncode":"00","sign":"${signature}","data":[${JSON.stringify(row)}]}`;
    const result = parseQueryResponse(text, credentials);
    expect(result).toMatchObject({ paid: true, orderId: 'E1', amountFen: 1234, paidAt: null });
    const forged = text.replace('"trade_state":"SUCCESS"', '"trade_state":"NOTPAY"');
    expect(errorCode(() => parseQueryResponse(forged, credentials))).toBe('BAD_SIGNATURE');
  });

  it('turns the error shape into a GatewayError carrying msg', () => {
    try {
      parseQueryResponse('{"status":"error","msg":"不存在的交易订单号.","data":null}', credentials);
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('GATEWAY_ERROR');
      expect((error as { gatewayMessage: string }).gatewayMessage).toBe('不存在的交易订单号.');
    }
  });

  it('refuses a forged SUCCESS', () => {
    const forged = { ...notPaid, trade_state: 'SUCCESS' };
    expect(errorCode(() => parseQueryResponse(JSON.stringify(forged), credentials))).toBe('BAD_SIGNATURE');
  });

  it('refuses an answer for another member', () => {
    const other = answer({ ...notPaid, memberid: '10003', sign: '' });
    expect(errorCode(() => parseQueryResponse(JSON.stringify(other), credentials))).toBe('MEMBER_MISMATCH');
  });

  it.each([
    '<html>502 Bad Gateway</html>',
    '',
    '[1,2]',
    '{"data":[]}',
    '{"memberid":"10002"}',
    '{"a":{"b":1}}',
  ])('calls %j malformed', (text) => {
    expect(errorCode(() => parseQueryResponse(text, credentials))).toBe('MALFORMED_RESPONSE');
  });

  it('masks the signature in the excerpt an error quotes', () => {
    const text = `{"sign":"${'A'.repeat(32)}","memberid":"10002"}`;
    try {
      parseQueryResponse(text, credentials);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('"sign\\":\\"***\\"');
      expect((error as Error).message).not.toContain('A'.repeat(32));
    }
  });

  it('signs numbers as their string form', () => {
    const fields = answer({ ...notPaid, amount: '12', sign: '' });
    const text = JSON.stringify(fields).replace('"amount":"12"', '"amount":12');
    expect(parseQueryResponse(text, credentials).amountFen).toBe(1200);
  });
});
