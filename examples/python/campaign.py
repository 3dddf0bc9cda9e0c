"""The demo campaign from Python against the sandbox, over urllib.request.

    target/debug/wechatpay-coupons sandbox --port 8080 --dir /tmp/merchant --bills-anytime &
    python examples/python/campaign.py /tmp/merchant/merchant.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, List

import wechatpay_coupons as wc
from notify_server import serve

LOGO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020806000000"
    "72b60d24000000114944415478da636018f8c01f04185800f1a2b00c47760ad3940000000049454e44ae426082"
)


def main(config: str) -> None:
    client = wc.Client.from_config(config)
    appid = json.loads(Path(config).read_text(encoding="utf-8"))["appid"]
    mchid = client.mchid

    def call(req: wc.Request) -> Any:
        status, headers, body = wc.urllib_send(req)
        return client.parse(req, status, headers, body)

    logo = call(client.upload_image(LOGO, "logo.png"))["media_url"]
    now = client.now()

    def rfc(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(t + 8 * 3600))

    stock = call(client.create_stock({
        "stock_name": "满25减1", "belong_merchant": mchid,
        "available_begin_time": rfc(now), "available_end_time": rfc(now + 7 * 86400),
        "stock_use_rule": {"max_coupons": 100, "max_amount": 10000, "max_amount_by_day": 5000,
                           "max_coupons_per_user": 2, "natural_person_limit": False, "prevent_api_abuse": False},
        "pattern_info": {"description": "满 25 元减 1 元", "merchant_logo": logo},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 2500},
                            "available_merchants": [mchid]},
        "no_cash": False, "stock_type": "NORMAL", "out_request_no": client.out_request_no(),
    }))
    stock_id = stock["stock_id"]
    print("created stock", stock_id)
    call(client.start_stock(stock_id=stock_id, stock_creator_mchid=mchid))

    events: List[wc.NotificationEvent] = []
    receiver = serve(client, events.append)
    url = f"http://127.0.0.1:{receiver.server_address[1]}/wechatpay/notify"
    call(client.set_callback(mchid=mchid, notify_url=url, switch=True))
    coupon = call(client.send_coupon(openid="oCampaignUser0001", stock_id=stock_id, appid=appid,
                                     stock_creator_mchid=mchid, out_request_no=client.out_request_no()))
    print("sent coupon", coupon["coupon_id"])
    print("stock:", call(client.get_stock(stock_id=stock_id, stock_creator_mchid=mchid))["status"])
    # The sandbox simulates the user paying with the coupon; WeChat Pay then notifies us.
    pay = wc.Request("POST", client.base_url + "/sandbox/use", [("Content-Type", "application/json")],
                     json.dumps({"coupon_id": coupon["coupon_id"], "openid": "oCampaignUser0001", "order_amount": 3000}))
    print("payment:", wc.urllib_send(pay)[0])
    deadline = time.time() + 15
    while not events and time.time() < deadline:
        time.sleep(0.05)
    receiver.shutdown()
    for event in events:
        print("notification", event["event_type"], event["resource"]["coupon_id"], event["resource"]["status"])


if __name__ == "__main__":
    main(sys.argv[1])
