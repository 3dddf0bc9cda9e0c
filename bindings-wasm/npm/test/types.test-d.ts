// Compile-time checks of the package types (`npx tsc -p tsconfig.json`; never executed).
// Every operation method is called with its typed request and its parse result read as its
// model; the `@ts-expect-error` lines prove that wrong calls do not compile (tsc fails if one
// of them stops being an error).
import {
  ApiError, Client, SignatureError, ValidationError, WechatPayError, acknowledgement, parseBill, retryAdvice, verifyBill,
} from 'wechatpay-coupons';
import type {
  CouponCollection, CreateStockResponse, FlowFileResponse, GetCallbackResponse, ImageUploadResponse, ModifyItemCodesResponse,
  Notification, PauseStockResponse, RestartStockResponse, SendCouponResponse, SetCallbackResponse, SignedRequest, StartStockResponse,
  Stock, StockCollection, StockStringCollection, StopStockResponse, Coupon, CouponUseEvent, OperationName,
} from 'wechatpay-coupons';
import { init } from 'wechatpay-coupons/web';

declare const pem: string;
declare const status: number;
declare const headers: Headers;
declare const body: Uint8Array;
declare const arrayBuffer: ArrayBuffer;

const client = new Client({ mchid: '1900000001', merchantSerial: '3C6A', privateKey: pem, apiv3Key: 'k'.repeat(32), now: () => 1795744800 });
const ids = { stock_id: '9856000', stock_creator_mchid: '1900000001' };
const user = { openid: 'o-user', appid: 'wx0000000000000000' };

// ---- every operation: build → SignedRequest, parse → its model ----
const built: SignedRequest[] = [
  client.createStock({
    stock_name: '满100减10', belong_merchant: '1900000001', available_begin_time: '2026-11-28T10:00:00+08:00',
    available_end_time: '2026-12-28T10:00:00+08:00', no_cash: false, stock_type: 'NORMAL', out_request_no: client.outRequestNo(),
    stock_use_rule: { max_coupons: 100, max_amount: 1000, max_coupons_per_user: 3, natural_person_limit: false, prevent_api_abuse: true },
    coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 10, transaction_minimum: 100 }, available_merchants: ['1900000001'] },
  }, { validation: 'strict' }),
  client.startStock(ids),
  client.sendCoupon({ ...ids, ...user, out_request_no: client.outRequestNo() }),
  client.pauseStock(ids),
  client.restartStock(ids),
  client.stopStock(ids),
  client.listStocks({ stock_creator_mchid: '1900000001', offset: 0, limit: 10, status: 'running' }),
  client.getStock(ids),
  client.getCoupon({ ...user, coupon_id: '9867041' }),
  client.listStockMerchants({ ...ids, offset: 0, limit: 10 }),
  client.listStockItems({ ...ids, offset: 0, limit: 10 }),
  client.listUserCoupons({ ...user, stock_id: '9856000', status: 'SENDED' }),
  client.useFlow({ stock_id: '9856000' }),
  client.refundFlow({ stock_id: '9856000' }),
  client.setCallback({ mchid: '1900000001', notify_url: 'https://example.com/notify', switch: true }),
  client.getCallback({ mchid: '1900000001' }),
  client.uploadImage(body, 'logo.png'),
  client.modifyItemCodes({ ...ids, add_goods_id_list: ['sku-1'], delete_goods_id_list: null }),
];
const first: SignedRequest = built[0]!;
void fetch(first.url, first);
const method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' = first.method;
const signedBody: Uint8Array | undefined = first.body;

const created: CreateStockResponse = client.parseCreateStock(status, headers, body);
const started: StartStockResponse = client.parseStartStock(status, headers, body);
const sent: SendCouponResponse = client.parseSendCoupon(status, { 'wechatpay-nonce': 'n' }, 'text body');
const paused: PauseStockResponse = client.parsePauseStock(status, [['Wechatpay-Nonce', 'n']], arrayBuffer);
const restarted: RestartStockResponse = client.parseRestartStock(status, headers, body);
const stopped: StopStockResponse = client.parseStopStock(status, headers, body);
const stocks: StockCollection = client.parseListStocks(status, headers, body);
const stock: Stock = client.parseGetStock(status, headers, body);
const coupon: Coupon = client.parseGetCoupon(status, headers, body);
const merchants: StockStringCollection = client.parseListStockMerchants(status, headers, body);
const items: StockStringCollection = client.parseListStockItems(status, headers, body);
const coupons: CouponCollection = client.parseListUserCoupons(status, headers, body);
const useFlow: FlowFileResponse = client.parseUseFlow(status, headers, body);
const refundFlow: FlowFileResponse = client.parseRefundFlow(status, headers, body);
const callbackSet: SetCallbackResponse = client.parseSetCallback(status, headers, body);
const callback: GetCallbackResponse = client.parseGetCallback(status, headers, body);
const image: ImageUploadResponse = client.parseUploadImage(status, headers, body);
const modified: ModifyItemCodesResponse = client.parseModifyItemCodes(status, headers, body);

// Model fields are typed: strings, numbers, the open enums.
const stockName: string = stock.stock_name;
const distributed: number = stock.distributed_coupons;
const total: number = stocks.total_count + coupons.total_count + merchants.total_count + items.total_count;
const couponIds: string[] = coupons.data.map((c) => c.stock_id);
const stockIds: string[] = [created.stock_id, started.stock_id, sent.coupon_id, paused.stock_id, restarted.stock_id, stopped.stock_id];
const urls: string[] = [useFlow.url, refundFlow.url, image.media_url, callbackSet.notify_url, callback.notify_url];
void [stockName, distributed, total, couponIds, stockIds, urls, modified, method, signedBody];

// ---- generic build/parse, pages, notifications, errors, extras ----
const generic: SignedRequest = client.build('get_stock', ids);
const opNames: OperationName[] = Client.operations.map((o) => o.name);
const envelope = client.notificationEnvelope(body);
const eventType: string = envelope.event_type;
const note: Notification = client.parseNotification(headers, body);
const used = note.resource as CouponUseEvent;
const usedCoupon: string = used.coupon_id;
const ack: { status: number; body: string } = acknowledgement(new SignatureError('bad'));
const advice: boolean = retryAdvice(new Error('x'), 1).retry;
void [generic, opNames, eventType, usedCoupon, ack, advice];

async function flows(): Promise<void> {
  for await (const page of client.pages('list_stocks', { stock_creator_mchid: '1900000001' }, async (req) => fetch(req.url, req))) {
    void page;
  }
  const res = await fetch(first.url, first);
  const verified = await verifyBill(useFlow, res.body!);
  for await (const row of parseBill(verified, res.body!, { kind: 'use_flow' })) void row;
  try {
    client.getStock(ids);
  } catch (e) {
    if (e instanceof ValidationError) for (const v of e.violations) void [v.field, v.issue, v.rule];
    if (e instanceof ApiError) void [e.status, e.wechatpayCode, e.requestId, e.retryable];
    if (e instanceof WechatPayError) void [e.code, e.kind, e.fields];
  }
  const api = await init();
  const webClient = new api.Client({ mchid: '1900000001', merchantSerial: '3C6A', privateKey: pem, crypto: 'wasm' });
  void webClient.getStock(ids);
}
void flows;

// ---- what must not compile ----
// @ts-expect-error a wrong field name (stock_idd) is refused
client.getStock({ stock_idd: '9856000' });
// @ts-expect-error a wrong field name inside a nested model is refused
client.createStock({ coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 10, transaction_minimum: 100, coupon_amout: 1 } } });
// @ts-expect-error a wrong field type (number for a string) is refused
client.getStock({ stock_id: 9856000 });
// @ts-expect-error a wrong field type (string for a number) is refused
client.listStocks({ limit: '10' });
// @ts-expect-error a missing required field (transaction_minimum of fixed_normal_coupon) is refused
client.createStock({ coupon_use_rule: { fixed_normal_coupon: { coupon_amount: 10 } } });
// @ts-expect-error a missing required client option (merchantSerial) is refused
new Client({ mchid: '1900000001', privateKey: pem });
// @ts-expect-error uploadImage needs a filename
client.uploadImage(body);
// @ts-expect-error an unknown method does not exist
client.deleteStock(ids);
// @ts-expect-error an unknown parse method does not exist
client.parseDeleteStock(status, headers, body);
// @ts-expect-error an unknown operation name is refused by the generic build
client.build('delete_stock', ids);
// @ts-expect-error a model field that does not exist cannot be read
void stock.stock_nam;
// @ts-expect-error a response is not assignable to another operation's model
const wrongModel: Coupon = client.parseGetStock(status, headers, body);
void wrongModel;
