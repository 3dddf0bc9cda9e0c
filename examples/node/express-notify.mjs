// The same receiver on express. `express.raw({ type: '*/*' })` keeps the body as the raw bytes
// (a Buffer): never put `express.json()` in front of this route, the signature covers the exact
// bytes WeChat Pay sent.
//
//     npm ci --prefix examples/node
//     node examples/node/express-notify.mjs /path/to/merchant-dir 8088
import express from 'express';
import { fileURLToPath } from 'node:url';
import { acknowledgement, Client } from 'wechatpay-coupons';

/** @typedef {import('wechatpay-coupons').Notification} Notification */
/** @typedef {import('wechatpay-coupons').CouponUseEvent} CouponUseEvent */

/**
 * An express app answering notifications on POST /wechatpay/notify.
 * @param {Client} client
 * @param {(event: Notification) => unknown} onEvent
 */
export function createApp(client, onEvent) {
  const app = express();
  app.post('/wechatpay/notify', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
    let error;
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const event = client.parseNotification(req.headers, body);
      await onEvent(event);
    } catch (e) {
      error = e;
    }
    const ack = acknowledgement(error);
    res.status(ack.status).set(ack.headers).send(ack.body);
  });
  return app;
}

/** @param {string[]} argv */
async function main(argv) {
  const [config = process.env.WECHATPAY_CONFIG ?? 'merchant.json', port = '8088'] = argv;
  const client = Client.fromConfig(config);
  const app = createApp(client, (event) => {
    if (event.eventType === 'COUPON.USE') {
      const use = /** @type {CouponUseEvent} */ (event.resource);
      console.log('coupon used:', use.coupon_id, use.status);
    } else {
      console.log('event', event.eventType, event.id);
    }
  });
  const server = app.listen(Number(port), '127.0.0.1', () => {
    const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
    console.log(`listening on http://127.0.0.1:${bound}/wechatpay/notify`);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
