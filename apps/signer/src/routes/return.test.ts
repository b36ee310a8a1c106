/** @module routes/return.test — `GET|POST /api/return`: the redirect to the configured page, over `app.request()`. */
import { afterEach, describe, expect, it } from 'vitest';
import { checkout, createTestSigner, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { notificationFields } from '../../test/helpers/notifications.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe('GET|POST /api/return', () => {
  it('redirects to the configured page, with only a verified order id of ours', async () => {
    t = await createTestSigner({ JUPAY_RETURN_URL: 'https://shop.example/thanks?lang=zh' });
    const { orderId } = await checkout(t);
    const good = new URLSearchParams(notificationFields({ orderid: orderId, amount: '12.3000' }));

    const post = await t.request('/api/return', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: good.toString(),
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`https://shop.example/thanks?lang=zh&orderId=${orderId}`);

    const get = await t.request(`/api/return?${good.toString()}`);
    expect(get.headers.get('location')).toBe(`https://shop.example/thanks?lang=zh&orderId=${orderId}`);

    // An unsigned field the gateway mangled (attach escaped and unencoded) does not hide a verified order id.
    good.delete('attach');
    const mangled = await t.request(`/api/return?${good.toString()}&attach=&#039;&#039;&x=%E4%B8`);
    expect(mangled.headers.get('location')).toBe(`https://shop.example/thanks?lang=zh&orderId=${orderId}`);

    // Forged, unknown, or pointing elsewhere: always the bare configured page.
    const forged = new URLSearchParams(notificationFields({ orderid: orderId }, 'wrong-key-wrong-key'));
    const unknown = new URLSearchParams(notificationFields({ orderid: 'E0000000000000000404' }));
    for (const query of [
      forged.toString(),
      unknown.toString(),
      'redirect=https://evil.example&orderid=x',
      '%zz',
    ]) {
      const res = await t.request(`/api/return?${query}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('https://shop.example/thanks?lang=zh');
    }
    const empty = await t.request('/api/return', { method: 'POST' });
    expect(empty.headers.get('location')).toBe('https://shop.example/thanks?lang=zh');
    // Payment comes from the notification or a query only: the return changes nothing.
    expect((await t.store.getOrder(orderId))?.status).toBe('NOTPAY');
  });

  it('brings the shopper language of the signed return path back to the page, and nothing else from the path', async () => {
    t = await createTestSigner({ JUPAY_RETURN_URL: 'https://shop.example/thanks' });
    const { orderId } = await checkout(t);
    const good = new URLSearchParams(notificationFields({ orderid: orderId, amount: '12.3000' })).toString();
    const en = await t.request(`/api/return/en?${good}`);
    expect(en.status).toBe(303);
    expect(en.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}&lang=en`);
    const tw = await t.request(`/api/return/zh-TW?${good}`);
    expect(tw.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}&lang=zh-TW`);
    // A segment that is not one of the shopper languages is dropped, never echoed into the merchant's page.
    const odd = await t.request(`/api/return/%22%3E%3Cscript%3E?${good}`);
    expect(odd.status).toBe(303);
    expect(odd.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}`);
  });
});
