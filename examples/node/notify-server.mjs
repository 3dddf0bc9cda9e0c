// A COUPON.USE notification receiver on node:http.
//
// It hands the *raw* body bytes and the headers to the client (never a re-serialised object:
// the signature covers the exact bytes), answers with the acknowledgement the package picks for
// the outcome, and dispatches on the event type. Next to a running sandbox:
//
//     node examples/node/notify-server.mjs /path/to/merchant-dir 8088
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { acknowledgement, Client } from 'wechatpay-coupons';

/** @typedef {import('wechatpay-coupons').Notification} Notification */
/** @typedef {import('wechatpay-coupons').CouponUseEvent} CouponUseEvent */
/** @typedef {(event: Notification) => unknown} OnEvent */

/**
 * A `node:http` request listener that verifies, decrypts and acknowledges notifications.
 * @param {Client} client
 * @param {OnEvent} onEvent
 * @returns {import('node:http').RequestListener}
 */
export function notificationHandler(client, onEvent) {
  return (req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let error;
      try {
        const event = client.parseNotification(req.headers, Buffer.concat(chunks));
        await onEvent(event);
      } catch (e) {
        error = e; // a WechatPayError (bad signature, …) or a failure of onEvent: WeChat Pay retries
      }
      const ack = acknowledgement(error);
      res.writeHead(ack.status, { ...ack.headers, 'Content-Length': Buffer.byteLength(ack.body) });
      res.end(ack.body);
    });
  };
}

/**
 * Starts the receiver on 127.0.0.1:`port` (0: any free port); resolves to the listening server.
 * @param {Client} client
 * @param {OnEvent} onEvent
 * @returns {Promise<import('node:http').Server>}
 */
export function serve(client, onEvent, port = 0) {
  const server = createServer(notificationHandler(client, onEvent));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** @param {string[]} argv */
async function main(argv) {
  const [config = process.env.WECHATPAY_CONFIG ?? 'merchant.json', port = '8088'] = argv;
  const client = Client.fromConfig(config);
  const server = await serve(client, (event) => {
    if (event.eventType === 'COUPON.USE') {
      const use = /** @type {CouponUseEvent} */ (event.resource);
      console.log('coupon used:', use.coupon_id, use.status);
    } else {
      console.log('event', event.eventType, event.id);
    }
  }, Number(port));
  const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`listening on http://127.0.0.1:${bound}/wechatpay/notify`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
