"""The same receiver for Flask: `request.get_data()` is the raw body (do not use `get_json()`)."""

from __future__ import annotations

import os

from flask import Flask, Response, request

import wechatpay_coupons as wc

app = Flask(__name__)
client = wc.Client.from_config(os.environ.get("WECHATPAY_CONFIG", "merchant.json"))


@app.post("/wechatpay/notify")
def notify() -> Response:
    error = None
    try:
        event = client.parse_notification(request.headers, request.get_data())
        if event["event_type"] == "COUPON.USE":
            app.logger.info("coupon %s used", event["resource"]["coupon_id"])
    except wc.WechatPayError as e:
        error = e
    ack = wc.Acknowledgement.for_error(error)
    return Response(ack.body, status=ack.status, content_type=ack.content_type)
